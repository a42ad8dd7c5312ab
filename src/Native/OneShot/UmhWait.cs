namespace UmhActors.Native.OneShot;

/// <summary>How long a one-shot call waits, as the kernel's <c>UMH_NO_WAIT</c>,
/// <c>UMH_WAIT_EXEC</c> and <c>UMH_WAIT_PROC</c>.</summary>
public enum UmhWait
{
    /// <summary>Return once the process is spawned. An exec failure is not thrown; it faults
    /// <see cref="UmhCallResult.Completion"/> instead (the kernel's <c>UMH_NO_WAIT</c> loses it).</summary>
    NoWait,

    /// <summary>Return once the exec has succeeded, or throw <see cref="Launch.LaunchFailedException"/>.</summary>
    WaitExec,

    /// <summary>Return once the process has exited, with its <see cref="Exit.ExitStatus"/>.</summary>
    WaitProc,
}
