using UmhActors.Native.Exit;

namespace UmhActors.Native.OneShot;

/// <summary>What a one-shot call returns.</summary>
/// <param name="Pid">The process id, or 0 when a <see cref="UmhWait.NoWait"/> exec failed.</param>
/// <param name="Exit">The exit status for <see cref="UmhWait.WaitProc"/>; null for the other modes.</param>
/// <param name="Completion">Completes with the exit status when the process has been reaped;
/// faults with <see cref="Launch.LaunchFailedException"/> when a <see cref="UmhWait.NoWait"/>
/// exec failed.</param>
public sealed record UmhCallResult(int Pid, ExitStatus? Exit, Task<ExitStatus> Completion);
