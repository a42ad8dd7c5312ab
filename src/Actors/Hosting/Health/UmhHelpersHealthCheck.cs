using Akka.Actor;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using UmhActors.Guardian;
using UmhActors.Helpers;

namespace UmhActors.Hosting.Health;

/// <summary>
/// The health of the helpers an Akka.Hosting app registered with <c>WithHelper</c>, and of the
/// guardian: asks each actor for its status (in parallel, each Ask bounded by
/// <see cref="UmhHelpersHealthOptions.StatusTimeout"/>), never blocking a thread.
/// </summary>
/// <remarks>Unhealthy when a helper actor stopped or the guardian is Disabled (or does not answer);
/// Degraded when a helper is not ready (starting, restarting, unresponsive) or restarted more than
/// <see cref="UmhHelpersHealthOptions.MaxRestartsInWindow"/> times within the window; Healthy
/// otherwise. The data names each helper (<see cref="HelperHealth"/>) and, under <c>$guardian</c>,
/// the guardian's state (no actor name starts with <c>$</c>, so the keys cannot collide).</remarks>
internal sealed class UmhHelpersHealthCheck(ActorSystem system, UmhHelpersHealthOptions options, RestartWindowCounter restarts) : IHealthCheck
{
    /// <summary>The data key of the guardian's state.</summary>
    public const string GuardianKey = "$guardian";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var hosted = HostedHelpers.Get(system);
        var actors = hosted.Actors;
        var guardianTask = GuardianStateAsync(cancellationToken);
        var helperTasks = actors.Select(actor => hosted.IsPool(actor) ? ProbePoolAsync(actor, cancellationToken) : ProbeOneAsync(actor, cancellationToken)).ToArray();
        var guardian = await guardianTask.ConfigureAwait(false);
        var probes = await Task.WhenAll(helperTasks).ConfigureAwait(false);
        var helpers = probes.SelectMany(p => p.Helpers).ToArray();

        var data = new Dictionary<string, object> { [GuardianKey] = guardian?.ToString() ?? "unresponsive" };
        var unhealthy = new List<string>();
        var degraded = new List<string>();
        if (guardian is null) unhealthy.Add($"the guardian gave no status within {options.StatusTimeout.TotalMilliseconds:F0} ms");
        else if (guardian == GuardianState.Disabled) unhealthy.Add("helper launches are disabled");
        else if (guardian == GuardianState.Freezing) degraded.Add("helper launches are frozen");
        unhealthy.AddRange(probes.Select(p => p.Unhealthy).OfType<string>());
        foreach (var (name, health) in helpers)
        {
            data[name] = health;
            switch (health.State)
            {
                case "stopped":
                    unhealthy.Add($"helper {name} stopped (last failure {health.LastFailureKind?.ToString() ?? "none"}{(health.IntensityExceeded ? ", restart intensity exceeded" : "")})");
                    break;
                case "ready" when health.RecentRestarts > options.MaxRestartsInWindow:
                    degraded.Add($"helper {name} restarted {health.RecentRestarts} times within {options.RestartWindow}");
                    break;
                case "ready":
                    break;
                default:
                    degraded.Add($"helper {name} is {health.State}");
                    break;
            }
        }

        if (unhealthy.Count > 0) return new HealthCheckResult(context.Registration.FailureStatus, string.Join("; ", unhealthy.Concat(degraded)), data: data);
        if (degraded.Count > 0) return HealthCheckResult.Degraded(string.Join("; ", degraded), data: data);
        return HealthCheckResult.Healthy($"{helpers.Length} helper(s) ready", data);
    }

    private async Task<GuardianState?> GuardianStateAsync(CancellationToken cancellationToken)
    {
        try
        {
            var status = await UmhGuardian.Get(system).Actor.Ask<GuardianStatus>(GetGuardianStatus.Instance, options.StatusTimeout, cancellationToken).ConfigureAwait(false);
            return status.State;
        }
        catch (Exception e) when (e is AskTimeoutException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    // The local actor's cell knows at once, without a message or a watcher actor; Akka marks the
    // property obsolete only to steer actors towards Watch, which a health probe (not an actor) lacks.
#pragma warning disable CS0618
    private static bool IsStopped(IActorRef actor) => actor is IInternalActorRef { IsTerminated: true };
#pragma warning restore CS0618

    private HelperHealth Stopped(IActorRef actor)
    {
        var last = HelperFailureLedger.Get(system).LastDecision(actor);
        return new HelperHealth("stopped", 0, null, null, last?.Kind) { IntensityExceeded = last?.IntensityExceeded ?? false };
    }

    private async Task<Probe> ProbeOneAsync(IActorRef actor, CancellationToken cancellationToken) =>
        new([await ProbeAsync(actor, actor.Path.Name, cancellationToken).ConfigureAwait(false)], null);

    // A pool does not answer GetHelperStatus: ask it for its helpers, then each active one (a
    // draining helper is leaving and serves no new request). Entries are named POOL/POOL-n.
    private async Task<Probe> ProbePoolAsync(IActorRef pool, CancellationToken cancellationToken)
    {
        var name = pool.Path.Name;
        if (IsStopped(pool)) return new([(name, Stopped(pool))], null);
        HelperPoolRoutees routees;
        try
        {
            routees = await pool.Ask<HelperPoolRoutees>(GetHelperPoolRoutees.Instance, options.StatusTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is AskTimeoutException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return new([(name, IsStopped(pool) ? Stopped(pool) : new HelperHealth("unresponsive", 0, null, null, null))], null);
        }
        if (routees.Active.Count == 0) return new([], $"helper pool {name} has no active helper");
        var helpers = await Task.WhenAll(routees.Active.Select(routee => ProbeAsync(routee, $"{name}/{routee.Path.Name}", cancellationToken))).ConfigureAwait(false);
        return new(helpers, null);
    }

    private async Task<(string Name, HelperHealth Health)> ProbeAsync(IActorRef actor, string name, CancellationToken cancellationToken)
    {
        // A stopped actor would only let the Ask time out: its cell says so at once.
        if (IsStopped(actor)) return (name, Stopped(actor));
        HelperStatus status;
        try
        {
            status = await actor.Ask<HelperStatus>(GetHelperStatus.Instance, options.StatusTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is AskTimeoutException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            // It may have stopped while we waited.
            return (name, IsStopped(actor) ? Stopped(actor) : new HelperHealth("unresponsive", 0, null, null, HelperFailureLedger.Get(system).LastDecision(actor)?.Kind));
        }
        var recent = restarts.Record(actor, status.Restarts, options.RestartWindow);
        var helperState = status.Ready ? "ready" : status.Restarts > 0 || status.LastFailureKind is not null ? "restarting" : "starting";
        return (name, new HelperHealth(helperState, status.Pid, status.Restarts, recent, status.LastFailureKind));
    }

    /// <summary>What probing one registered actor found: its helpers' entries, and for a pool
    /// without an active helper why it is unhealthy.</summary>
    private sealed record Probe(IReadOnlyList<(string Name, HelperHealth Health)> Helpers, string? Unhealthy);
}
