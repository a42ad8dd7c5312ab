namespace UmhActors.Native.Exit;

/// <summary>
/// How a helper process ended, as <c>waitid()</c> reported it: an exit code, or the signal that
/// killed it and whether it dumped core; plus its wall-clock uptime.
/// </summary>
/// <param name="Pid">The helper's process id (no longer valid: the process is reaped).</param>
/// <param name="ExitCode">The exit code when the process exited; null when a signal killed it.</param>
/// <param name="Signal">The killing signal's number; null when the process exited.</param>
/// <param name="CoreDumped">True when the kernel reported a core dump (<c>CLD_DUMPED</c>).</param>
/// <param name="Uptime">From spawn to the exit being observed.</param>
public sealed record ExitStatus(int Pid, int? ExitCode, int? Signal, bool CoreDumped, TimeSpan Uptime)
{
    /// <summary>True when the process called exit (any code); false when a signal killed it.</summary>
    public bool Exited => ExitCode.HasValue;

    /// <summary>True when a signal killed the process.</summary>
    public bool Signaled => Signal.HasValue;

    /// <summary>How many OOM kills the helper's memory cgroup recorded (v2 <c>memory.events</c>,
    /// v1 <c>memory.oom_control</c> <c>oom_kill</c>), read after the helper was reaped and before
    /// its cgroup was removed; null when the helper had no cgroup (no evidence either way).</summary>
    public long? OomKillCount { get; init; }

    /// <summary>True when SIGKILL killed the helper and its cgroup recorded an OOM kill: the kernel's
    /// OOM killer, not an administrator. False without a cgroup, since a bare SIGKILL proves nothing.</summary>
    public bool OomKilled => Signal == SignalNames.SIGKILL && OomKillCount > 0;

    /// <summary>True when the status could not be read: <c>waitid</c> failed with <c>ECHILD</c>
    /// because something else in the host reaped the helper. The process is gone; neither
    /// <see cref="ExitCode"/> nor <see cref="Signal"/> is known.</summary>
    public bool StatusLost => ExitCode is null && Signal is null;

    /// <summary>The signal's name ("SIGSEGV"), or null when the process exited.</summary>
    public string? SignalName => Signal is { } s ? SignalNames.Of(s) : null;

    /// <summary>"pid 42 exited with code 3 after 12 ms", "pid 42 killed by SIGSEGV (11), core dumped, after 5 ms",
    /// or, when the status was lost, "pid 42 ended after 30 ms, exit status lost (waitid: ECHILD, reaped elsewhere)".</summary>
    public override string ToString() =>
        Exited ? $"pid {Pid} exited with code {ExitCode} after {Uptime.TotalMilliseconds:F0} ms"
        : Signaled ? $"pid {Pid} killed by {SignalName} ({Signal}){(CoreDumped ? ", core dumped," : "")}{(OomKilled ? " (OOM kill)" : "")} after {Uptime.TotalMilliseconds:F0} ms"
        : $"pid {Pid} ended after {Uptime.TotalMilliseconds:F0} ms, exit status lost (waitid: ECHILD, reaped elsewhere)";
}
