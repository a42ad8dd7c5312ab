using Akka.Actor;

namespace UmhActors.Guardian;

/// <summary>Ask the guardian for a launch permit. Answered with <see cref="LaunchPermitGranted"/>, or a
/// <c>Status.Failure</c> with <see cref="LaunchesDisabledException"/> or <see cref="LaunchPermitTimeoutException"/>.</summary>
/// <param name="TryOnly">Fail at once instead of waiting while the guardian is <see cref="GuardianState.Freezing"/>.</param>
/// <param name="MaxWait">How long to wait while freezing (<c>usermodehelper_read_lock_wait</c>).</param>
public sealed record RequestLaunchPermit(bool TryOnly, TimeSpan MaxWait);

/// <summary>A launch may proceed; return the permit with <see cref="ReturnLaunchPermit"/> once it succeeded or failed.</summary>
public sealed record LaunchPermitGranted(long PermitId);

/// <summary>The launch holding <paramref name="PermitId"/> has finished (either way).</summary>
public sealed record ReturnLaunchPermit(long PermitId);

/// <summary>Move to <see cref="GuardianState.Freezing"/> and wait up to <paramref name="Timeout"/> for
/// launches in progress to finish; with <paramref name="FreezeRunning"/>, then freeze the running
/// helpers' processes too. Answered with a <see cref="GuardianTransition"/>.</summary>
public sealed record FreezeLaunches(TimeSpan Timeout, bool FreezeRunning = false);

/// <summary>Move to <see cref="GuardianState.Disabled"/> (waiting launches fail) and wait up to
/// <paramref name="Timeout"/> for launches in progress to finish. Answered with a <see cref="GuardianTransition"/>.</summary>
public sealed record DisableLaunches(TimeSpan Timeout);

/// <summary>Back to <see cref="GuardianState.Enabled"/>: thaws frozen helpers and releases waiting
/// launches in the order they asked. Answered with a <see cref="GuardianTransition"/>.</summary>
public sealed class EnableLaunches
{
    /// <summary>The one instance.</summary>
    public static EnableLaunches Instance { get; } = new();

    private EnableLaunches() { }
}

/// <summary>The outcome of a state change.</summary>
/// <param name="Succeeded">False when launches in progress did not drain in time: the guardian went
/// back to <see cref="GuardianState.Enabled"/> and reports busy, as <c>__usermodehelper_disable()</c> does.</param>
/// <param name="State">The state now.</param>
/// <param name="Reason">Why it did not succeed.</param>
public sealed record GuardianTransition(bool Succeeded, GuardianState State, string? Reason = null);

/// <summary>Ask for the guardian's <see cref="GuardianStatus"/>.</summary>
public sealed class GetGuardianStatus
{
    /// <summary>The one instance.</summary>
    public static GetGuardianStatus Instance { get; } = new();

    private GetGuardianStatus() { }
}

/// <summary>The guardian's state; also published on the EventStream on every change.</summary>
/// <param name="State">Enabled, Freezing or Disabled.</param>
/// <param name="InFlight">Launches holding a permit (the kernel's <c>running_helpers</c>).</param>
/// <param name="Waiting">Launches waiting for a permit.</param>
/// <param name="RunningHelpersFrozen">True while the running helpers' processes are frozen.</param>
public sealed record GuardianStatus(GuardianState State, int InFlight, int Waiting, bool RunningHelpersFrozen);

/// <summary>Sent by helper actors so the guardian can freeze and thaw their processes.</summary>
internal sealed record RegisterHelper(IActorRef Helper);

/// <summary>Guardian → helper actor: freeze (true) or thaw (false) your process; answer <see cref="HelperFreezeDone"/>.</summary>
internal sealed record SetHelperFrozen(bool Frozen);

/// <summary>Helper actor → guardian: done; <paramref name="How"/> says by which means ("cgroup", "SIGSTOP", "none");
/// <paramref name="Failure"/> says why it did not work, when it did not.</summary>
internal sealed record HelperFreezeDone(int Pid, string How, HelperFreezeFailedException? Failure = null);
