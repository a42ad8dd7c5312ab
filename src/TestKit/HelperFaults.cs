using Akka.Actor;
using UmhActors.Failures;
using UmhActors.Guardian;
using UmhActors.Helpers;
using UmhActors.Native.Cgroups;
using UmhActors.Native.Exit;
using UmhActors.Native.Processes;
using UmhActors.Protocol.Control;
using UmhActors.Requests;
using UmhActors.Supervision;

namespace UmhActors.TestKit;

/// <summary>
/// Injects real faults into the helper of one <see cref="HelperActor"/>: signals from outside,
/// an OOM kill under its cgroup memory limit, a freeze, and (for helpers built on the C# helper
/// runtime and launched with <see cref="HelperOptions.WithTestFaults"/>) a hang or protocol garbage.
/// Each method waits for the helper to be ready, injects the fault into that helper process, and
/// returns its pid once the fault has happened: for faults that end the helper, once the actor
/// published its <see cref="HelperSupervisionDecision"/> about that pid.
/// </summary>
/// <remarks>
/// Helpers in other languages get the faults signals and cgroups can cause (crash, admin kill, freeze).
/// A fault that cannot happen here throws <see cref="HelperFaultUnavailableException"/> and does nothing.
/// A fault that did not happen within <see cref="Timeout"/> throws <see cref="TimeoutException"/>.
/// </remarks>
public sealed class HelperFaults
{
    // A NativeAOT runtime treats the first SIGSEGV as a possible managed null dereference; a
    // signal sent from outside then comes again until the process really ends.
    private static readonly TimeSpan ResendInterval = TimeSpan.FromMilliseconds(100);
    private readonly ActorSystem _system;
    private readonly HelperDecisionRecorder _decisions;

    /// <summary>Faults for the helper of <paramref name="helper"/> in <paramref name="system"/>.
    /// From now on the system's helper decisions are recorded.</summary>
    /// <param name="system">The actor system the helper actor runs in.</param>
    /// <param name="helper">The helper actor.</param>
    /// <param name="timeout">How long each fault may take to happen (default 15 s).</param>
    public HelperFaults(ActorSystem system, IActorRef helper, TimeSpan? timeout = null)
    {
        _system = system ?? throw new ArgumentNullException(nameof(system));
        Helper = helper ?? throw new ArgumentNullException(nameof(helper));
        Timeout = timeout ?? TimeSpan.FromSeconds(15);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(Timeout, TimeSpan.Zero, nameof(timeout));
        _decisions = HelperDecisionRecorder.For(system);
    }

    /// <summary>The helper actor.</summary>
    public IActorRef Helper { get; }

    /// <summary>How long each fault may take to happen.</summary>
    public TimeSpan Timeout { get; }

    /// <summary>Why <see cref="OomKillAsync"/> cannot work on this machine (no usable cgroups), or
    /// null when it can. Fit for a test's skip reason.</summary>
    public static string? OomKillUnavailableReason =>
        CgroupSupport.Current.IsAvailable ? null : "no usable cgroups on this machine: " + CgroupSupport.Current.Reason;

    /// <summary>Sends <paramref name="signal"/> (SIGSEGV by default) to the helper from outside, again
    /// every 100 ms until it ends. Classified <see cref="HelperFailureKind.Crashed"/> for core-dump signals.</summary>
    public async Task<int> CrashAsync(int signal = SignalNames.SIGSEGV, CancellationToken cancellationToken = default)
    {
        var pid = await ReadyPidAsync(cancellationToken).ConfigureAwait(false);
        await SignalUntilEndedAsync(pid, signal, resend: true, cancellationToken).ConfigureAwait(false);
        return pid;
    }

    /// <summary>SIGKILL from outside, as an administrator's <c>kill -9</c>: classified
    /// <see cref="HelperFailureKind.Killed"/> (the host did not send it).</summary>
    public async Task<int> AdminKillAsync(CancellationToken cancellationToken = default)
    {
        var pid = await ReadyPidAsync(cancellationToken).ConfigureAwait(false);
        await SignalUntilEndedAsync(pid, SignalNames.SIGKILL, resend: false, cancellationToken).ConfigureAwait(false);
        return pid;
    }

    /// <summary>Makes the helper allocate past its cgroup memory limit until the kernel's OOM killer
    /// ends it: classified <see cref="HelperFailureKind.OomKilled"/>. Needs a helper on the C# helper
    /// runtime in test mode with a memory limit (<c>LaunchOptions.WithMemoryLimit</c>).</summary>
    /// <exception cref="HelperFaultUnavailableException">No usable cgroups here (see
    /// <see cref="OomKillUnavailableReason"/>), or the helper has no memory limit; nothing was done.</exception>
    /// <exception cref="HelperTestModeRequiredException">The helper is not in test mode.</exception>
    public async Task<int> OomKillAsync(CancellationToken cancellationToken = default)
    {
        var status = await ReadyAsync(cancellationToken).ConfigureAwait(false);
        if (OomKillUnavailableReason is { } reason) throw new HelperFaultUnavailableException(status.HelperName, "OomKill", reason);
        try
        {
            await new HelperClient(Helper).SendAsync(HelperRequest.WithoutParams(TestFaultMethods.Allocate, Timeout), cancellationToken).ConfigureAwait(false);
        }
        catch (HelperFailureException ended) when (ended.Pid == status.Pid)
        {
            await EndedAsync(status.Pid, "OomKill", cancellationToken).ConfigureAwait(false);
            return status.Pid;
        }
        catch (HelperErrorException refusal)
        {
            throw Unavailable("OomKill", refusal);
        }
        throw new InvalidOperationException($"helper '{status.HelperName}' (pid {status.Pid}) answered {TestFaultMethods.Allocate} instead of being OOM-killed");
    }

    /// <summary>Makes the helper stop reading: it answers no <c>$/ping</c> and serves no request
    /// from now on, so a watchdog (<see cref="HelperOptions.WithWatchdog"/>) classifies it
    /// <see cref="HelperFailureKind.Hung"/>. Returns once the helper acknowledged; it still exits
    /// when its stdin closes.</summary>
    /// <exception cref="HelperTestModeRequiredException">The helper is not in test mode.</exception>
    public Task<int> HangAsync(CancellationToken cancellationToken = default) => CooperateAsync(TestFaultMethods.Hang, "Hang", waitForEnd: false, cancellationToken);

    /// <summary>Makes the helper write bytes that are not a frame: classified
    /// <see cref="HelperFailureKind.ProtocolViolation"/>. Returns once the actor decided about it.</summary>
    /// <exception cref="HelperTestModeRequiredException">The helper is not in test mode.</exception>
    public Task<int> GarbleAsync(CancellationToken cancellationToken = default) => CooperateAsync(TestFaultMethods.Garble, "Garble", waitForEnd: true, cancellationToken);

    /// <summary>Freezes the helper as the guardian would (its cgroup freezer, or SIGSTOP to its
    /// process group without one): it runs no code until <see cref="ThawAsync"/>, and its requests
    /// wait (or time out). The actor's watchdog does not count a frozen helper as hung.</summary>
    /// <exception cref="Guardian.HelperFreezeFailedException">The freezer failed.</exception>
    public async Task<int> FreezeAsync(CancellationToken cancellationToken = default)
    {
        var pid = await ReadyPidAsync(cancellationToken).ConfigureAwait(false);
        return await SetFrozenAsync(true, pid, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Thaws a helper frozen by <see cref="FreezeAsync"/>; returns its pid (0 when none runs).</summary>
    public async Task<int> ThawAsync(CancellationToken cancellationToken = default)
    {
        var status = await Helper.Ask<HelperStatus>(GetHelperStatus.Instance, Timeout, cancellationToken).ConfigureAwait(false);
        return await SetFrozenAsync(false, status.Pid, cancellationToken).ConfigureAwait(false);
    }

    private async Task<int> SetFrozenAsync(bool frozen, int pid, CancellationToken cancellationToken)
    {
        var done = await Helper.Ask<HelperFreezeDone>(new SetHelperFrozen(frozen), Timeout, cancellationToken).ConfigureAwait(false);
        if (done.Failure is { } failure) throw failure;
        if (done.Pid != pid && pid != 0)
            throw new InvalidOperationException($"the helper changed while {(frozen ? "freezing" : "thawing")}: pid {pid} asked, {done.Pid} {(frozen ? "frozen" : "thawed")}");
        // The cgroup freezer was waited for by the actor; a SIGSTOP only starts a group stop.
        if (frozen && done.How == "SIGSTOP")
        {
            var deadline = DateTime.UtcNow + Timeout;
            while (!HelperCensus.AllThreadsStopped(done.Pid))
            {
                if (DateTime.UtcNow >= deadline) throw new TimeoutException($"Freeze: pid {done.Pid} was sent SIGSTOP but not every thread stopped within {Timeout}");
                await Task.Delay(5, cancellationToken).ConfigureAwait(false);
            }
        }
        return done.Pid;
    }

    private async Task<int> CooperateAsync(string method, string fault, bool waitForEnd, CancellationToken cancellationToken)
    {
        await ReadyAsync(cancellationToken).ConfigureAwait(false);
        int pid;
        try
        {
            var response = await new HelperClient(Helper).SendAsync(HelperRequest.WithoutParams(method, Timeout), cancellationToken).ConfigureAwait(false);
            pid = response.GetResult<int>();
        }
        catch (HelperErrorException refusal)
        {
            throw Unavailable(fault, refusal);
        }
        if (waitForEnd) await EndedAsync(pid, fault, cancellationToken).ConfigureAwait(false);
        return pid;
    }

    private async Task SignalUntilEndedAsync(int pid, int signal, bool resend, CancellationToken cancellationToken)
    {
        var fault = $"{SignalNames.Of(signal)} to pid {pid}";
        // Opened once, before the first signal: every resend reaches this process or nobody.
        using var target = OutsiderSignals.Open(pid) ?? throw new InvalidOperationException($"{fault}: the process is already gone");
        var end = _decisions.EndOfAsync(pid, Timeout, cancellationToken);
        while (true)
        {
            if (!OutsiderSignals.Send(target, signal) || !resend) break;
            if (await Task.WhenAny(end, Task.Delay(ResendInterval, cancellationToken)).ConfigureAwait(false) == end) break;
        }
        if (await end.ConfigureAwait(false) is null) throw NotHappened(fault, pid);
    }

    private async Task EndedAsync(int pid, string fault, CancellationToken cancellationToken)
    {
        if (await _decisions.EndOfAsync(pid, Timeout, cancellationToken).ConfigureAwait(false) is null) throw NotHappened(fault, pid);
    }

    private TimeoutException NotHappened(string fault, int pid) =>
        new($"{fault}: the helper actor {Helper.Path} published no decision about pid {pid} within {Timeout}");

    private static HelperFaultUnavailableException Unavailable(string fault, HelperErrorException refusal) => refusal.Error.Code switch
    {
        TestFaultMethods.DisabledErrorCode => new HelperTestModeRequiredException(fault, refusal),
        _ => new HelperFaultUnavailableException(refusal.HelperName, fault, refusal.Error.Message, refusal),
    };

    private async Task<int> ReadyPidAsync(CancellationToken cancellationToken) => (await ReadyAsync(cancellationToken).ConfigureAwait(false)).Pid;

    private Task<HelperStatus> ReadyAsync(CancellationToken cancellationToken) => HelperReadiness.AwaitAsync(Helper, Timeout, cancellationToken);
}
