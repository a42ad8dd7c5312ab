namespace UmhActors.Native.Sandbox;

/// <summary>What happens when a sandboxed helper makes a system call outside its allow-list.</summary>
public enum SeccompAction
{
    /// <summary>The call fails with <c>EPERM</c> and the helper goes on (the default: a runtime
    /// probing an optional call degrades instead of dying).</summary>
    Eperm,

    /// <summary>The whole helper is killed with <c>SIGSYS</c> (<c>SECCOMP_RET_KILL_PROCESS</c>), which
    /// supervision classifies as a crash.</summary>
    KillProcess,
}
