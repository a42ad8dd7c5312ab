using UmhActors.Native.Exit;

namespace UmhActors.Failures;

/// <summary>
/// Turns a reaped exit status plus what the host knows (did it send a kill, and why; did the
/// memory cgroup count an OOM kill) into one <see cref="HelperFailureException"/>.
/// </summary>
internal static class FailureClassifier
{
    private static readonly HashSet<int> CoreDumpSignals =
    [
        SignalNames.SIGSEGV, SignalNames.SIGBUS, SignalNames.SIGILL, SignalNames.SIGFPE, SignalNames.SIGABRT,
        SignalNames.SIGSYS, SignalNames.SIGTRAP, SignalNames.SIGXCPU, SignalNames.SIGXFSZ, SignalNames.SIGQUIT,
    ];

    /// <summary>True for the signals whose default action dumps core.</summary>
    public static bool IsCoreDumpSignal(int signal) => CoreDumpSignals.Contains(signal);

    /// <param name="name">The helper's name.</param>
    /// <param name="exit">The reaped status.</param>
    /// <param name="hostKill">Why the host signalled it, if it did.</param>
    /// <param name="hostSignal">The last signal the host sent (0: none).</param>
    /// <param name="oomKills">How many OOM kills its memory cgroup counted (null: no cgroup evidence).</param>
    /// <param name="cause">The host's own evidence (a protocol violation), kept as inner exception.</param>
    public static HelperFailureException Classify(string name, ExitStatus exit, HostKillReason hostKill, int hostSignal, long? oomKills, Exception? cause)
    {
        var evidence = exit.ToString();
        var pid = exit.Pid;
        var uptime = exit.Uptime;

        if (exit.ExitCode is { } code)
        {
            return code == 0
                ? new HelperExitedException(name, pid, exit, uptime, $"exited with code 0 after {Ms(uptime)}", cause)
                : new HelperFailedException(name, pid, exit, uptime, $"exited with code {code} after {Ms(uptime)}", cause);
        }

        if (exit.Signal is not { } signal)
        {
            // The reaper reports neither code nor signal when the status was lost (waitid: ECHILD,
            // someone else reaped the child). The process is gone; what ended it is unknown.
            return hostKill != HostKillReason.None
                ? ByHost(name, pid, exit, uptime, hostKill, "an unknown signal (exit status lost: ECHILD)", cause)
                : new HelperFailedException(name, pid, exit, uptime,
                    $"ended after {Ms(uptime)}, but its exit status was lost (waitid: ECHILD, reaped elsewhere)", cause);
        }

        // The host's own kill explains the death only if the signal that ended it is the one sent;
        // a stop sends SIGTERM then SIGKILL to the group, and either may be the one that ended it.
        var killedByHost = hostKill != HostKillReason.None &&
            (hostSignal == signal || hostKill == HostKillReason.Stop && signal is SignalNames.SIGTERM or SignalNames.SIGKILL);
        if (killedByHost) return ByHost(name, pid, exit, uptime, hostKill, exit.SignalName ?? signal.ToString(), cause);

        if (CoreDumpSignals.Contains(signal))
        {
            return new HelperCrashedException(name, pid, exit, uptime,
                $"crashed: killed by {exit.SignalName} ({signal}){(exit.CoreDumped ? ", core dumped" : "")} after {Ms(uptime)}", cause);
        }

        if (signal == SignalNames.SIGKILL && oomKills > 0)
        {
            return new HelperOomKilledException(name, pid, exit, uptime,
                $"was OOM-killed: SIGKILL with oom_kill={oomKills} in its memory cgroup after {Ms(uptime)}", cause);
        }

        var oomNote = oomKills is null ? "; no memory cgroup, so an OOM kill cannot be told apart" : "";
        return new HelperKilledException(name, pid, exit, uptime,
            $"was killed by {exit.SignalName} ({signal}), which the host did not send{oomNote}, after {Ms(uptime)}", cause);
    }

    // The host's own kills are never Killed (docs/supervision.md): each reason has its kind, and a
    // stop the owner asked for is a clean end.
    private static HelperFailureException ByHost(string name, int pid, ExitStatus exit, TimeSpan uptime, HostKillReason reason, string signal, Exception? cause) =>
        reason switch
        {
            HostKillReason.Hang => new HelperHungException(name, pid, exit, uptime,
                $"did not answer the watchdog and was killed by the host ({signal}) after {Ms(uptime)}", cause),
            HostKillReason.ProtocolViolation => new HelperProtocolViolationException(name, pid, exit, uptime,
                $"broke the protocol ({cause?.Message ?? "unknown"}) and was killed by the host", cause),
            HostKillReason.HandshakeTimeout => new HelperLaunchFailedException(name, pid, exit, uptime,
                $"sent no $/hello in time and was killed by the host", cause),
            HostKillReason.SandboxNotEntered => new HelperLaunchFailedException(name, pid, exit, uptime,
                $"did not enter the sandbox it was launched with and was killed by the host ({cause?.Message ?? "unknown"})", cause),
            _ => new HelperExitedException(name, pid, exit, uptime, $"was stopped by the host ({signal}) after {Ms(uptime)}", cause),
        };

    private static string Ms(TimeSpan t) => $"{t.TotalMilliseconds:F0} ms";
}
