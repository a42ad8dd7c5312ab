using System.Collections.Immutable;
using Akka.Configuration;
using UmhActors.Failures;

namespace UmhActors.Supervision;

/// <summary>
/// The policy table: for each <see cref="HelperFailureKind"/>, restart (with backoff and restart
/// intensity), stop, or escalate. Immutable; build from <see cref="Default"/> with <c>With…</c>, or
/// read from HOCON with <see cref="FromConfig"/>.
/// </summary>
/// <remarks>
/// Defaults (mirrored in <see cref="DefaultHocon"/>): crash → restart with backoff; OOM kill →
/// restart with backoff and a tighter intensity (3 per minute); an administrator's kill → stop (do
/// not fight the admin); hang → restart; protocol violation → restart; non-zero exit → restart;
/// clean exit → stop; launch failed → stop; launch failed for a transient shortage (fds, processes,
/// memory) → restart with backoff, at most 20 per minute (with the default backoff the retries
/// settle at one per 10 s, so a lasting shortage is retried until it ends).
/// </remarks>
public sealed record HelperSupervisionPolicy
{
    /// <summary>The defaults as HOCON, under <c>umh.supervision</c>.</summary>
    public const string DefaultHocon = """
        umh.supervision {
          defaults { directive = restart, min-backoff = 100ms, max-backoff = 10s, random-factor = 0.2, reset-after = 30s, max-restarts = 10, within = 1m, when-exceeded = stop }
          crashed { directive = restart }
          oom-killed { directive = restart, max-restarts = 3 }
          killed { directive = stop }
          hung { directive = restart }
          protocol-violation { directive = restart }
          failed { directive = restart }
          exited { directive = stop }
          launch-failed { directive = stop }
          launch-failed-transient { directive = restart, max-restarts = 20 }
        }
        """;

    private readonly ImmutableDictionary<HelperFailureKind, HelperKindPolicy> _kinds;

    private HelperSupervisionPolicy(ImmutableDictionary<HelperFailureKind, HelperKindPolicy> kinds) => _kinds = kinds;

    /// <summary>The default table (see remarks).</summary>
    public static HelperSupervisionPolicy Default { get; } = new(ImmutableDictionary<HelperFailureKind, HelperKindPolicy>.Empty
        .Add(HelperFailureKind.Crashed, HelperKindPolicy.Restart)
        .Add(HelperFailureKind.OomKilled, HelperKindPolicy.Restart with { Intensity = RestartIntensity.Default with { MaxRestarts = 3 } })
        .Add(HelperFailureKind.Killed, HelperKindPolicy.Stop)
        .Add(HelperFailureKind.Hung, HelperKindPolicy.Restart)
        .Add(HelperFailureKind.ProtocolViolation, HelperKindPolicy.Restart)
        .Add(HelperFailureKind.Failed, HelperKindPolicy.Restart)
        .Add(HelperFailureKind.Exited, HelperKindPolicy.Stop)
        .Add(HelperFailureKind.LaunchFailed, HelperKindPolicy.Stop)
        .Add(HelperFailureKind.LaunchFailedTransient, HelperKindPolicy.Restart with { Intensity = RestartIntensity.Default with { MaxRestarts = 20 } }));

    /// <summary>Akka's plain behaviour: every failure is thrown to the actor's supervisor.</summary>
    public static HelperSupervisionPolicy EscalateAll { get; } =
        new(Enum.GetValues<HelperFailureKind>().ToImmutableDictionary(k => k, _ => HelperKindPolicy.Escalate));

    /// <summary>The policy for <paramref name="kind"/>.</summary>
    public HelperKindPolicy For(HelperFailureKind kind) => _kinds[kind];

    /// <summary>This table with <paramref name="kind"/> handled by <paramref name="policy"/>.</summary>
    public HelperSupervisionPolicy With(HelperFailureKind kind, HelperKindPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return new(_kinds.SetItem(kind, policy with { Backoff = policy.Backoff.Validated(), Intensity = policy.Intensity.Validated() }));
    }

    /// <summary>This table with <paramref name="kind"/> mapped to <paramref name="directive"/>, keeping its backoff and intensity.</summary>
    public HelperSupervisionPolicy With(HelperFailureKind kind, HelperDirective directive) => With(kind, For(kind) with { Directive = directive });

    /// <summary>This table with <paramref name="backoff"/> for every kind.</summary>
    public HelperSupervisionPolicy WithBackoff(HelperBackoff backoff)
    {
        backoff.Validated();
        return new(_kinds.ToImmutableDictionary(kv => kv.Key, kv => kv.Value with { Backoff = backoff }));
    }

    /// <summary>This table with <paramref name="intensity"/> for every kind.</summary>
    public HelperSupervisionPolicy WithIntensity(RestartIntensity intensity)
    {
        intensity.Validated();
        return new(_kinds.ToImmutableDictionary(kv => kv.Key, kv => kv.Value with { Intensity = intensity }));
    }

    /// <summary>
    /// Reads <c>umh.supervision</c> from <paramref name="config"/> (falling back to
    /// <see cref="DefaultHocon"/>): a <c>defaults</c> block and one block per kind
    /// (<c>crashed</c>, <c>oom-killed</c>, <c>killed</c>, <c>hung</c>, <c>protocol-violation</c>,
    /// <c>failed</c>, <c>exited</c>, <c>launch-failed</c>, <c>launch-failed-transient</c>) with <c>directive</c>, <c>min-backoff</c>,
    /// <c>max-backoff</c>, <c>random-factor</c>, <c>reset-after</c>, <c>max-restarts</c>,
    /// <c>within</c>, <c>when-exceeded</c>.
    /// </summary>
    /// <exception cref="ArgumentException">A value is missing or impossible (the message names it).</exception>
    public static HelperSupervisionPolicy FromConfig(Config config)
    {
        var root = config.WithFallback(ConfigurationFactory.ParseString(DefaultHocon)).GetConfig("umh.supervision");
        var defaults = root.GetConfig("defaults");
        var kinds = ImmutableDictionary<HelperFailureKind, HelperKindPolicy>.Empty;
        foreach (var kind in Enum.GetValues<HelperFailureKind>())
        {
            var section = root.GetConfig(ConfigName(kind)).WithFallback(defaults);
            var policy = new HelperKindPolicy(
                ParseDirective(section.GetString("directive"), ConfigName(kind)),
                new HelperBackoff(section.GetTimeSpan("min-backoff"), section.GetTimeSpan("max-backoff"),
                    section.GetDouble("random-factor"), section.GetTimeSpan("reset-after")).Validated(),
                new RestartIntensity(section.GetInt("max-restarts"), section.GetTimeSpan("within"),
                    ParseDirective(section.GetString("when-exceeded"), ConfigName(kind))).Validated());
            kinds = kinds.Add(kind, policy);
        }
        return new HelperSupervisionPolicy(kinds);
    }

    /// <summary>The HOCON block name of <paramref name="kind"/> ("oom-killed").</summary>
    public static string ConfigName(HelperFailureKind kind) => kind switch
    {
        HelperFailureKind.OomKilled => "oom-killed",
        HelperFailureKind.ProtocolViolation => "protocol-violation",
        HelperFailureKind.LaunchFailed => "launch-failed",
        HelperFailureKind.LaunchFailedTransient => "launch-failed-transient",
        _ => kind.ToString().ToLowerInvariant(),
    };

    private static HelperDirective ParseDirective(string? text, string where) => text?.ToLowerInvariant() switch
    {
        "restart" => HelperDirective.Restart,
        "stop" => HelperDirective.Stop,
        "escalate" => HelperDirective.Escalate,
        _ => throw new ArgumentException($"umh.supervision.{where}: '{text}' is not restart, stop or escalate"),
    };
}
