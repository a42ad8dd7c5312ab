namespace UmhActors.Native.Sandbox;

/// <summary>The parts of a <see cref="HelperSandbox"/>, as a set: what a spec asks for, what a
/// helper reports it entered, what the host could check from outside.</summary>
[Flags]
public enum SandboxParts
{
    /// <summary>Nothing.</summary>
    None = 0,

    /// <summary><c>prctl(PR_SET_NO_NEW_PRIVS)</c>: no set-uid, file capabilities or LSM transitions on exec. Inside; verified (<c>NoNewPrivs</c> of every thread).</summary>
    NoNewPrivileges = 1,

    /// <summary>uid/gid switch, no supplementary groups, no capabilities. Inside; verified (<c>Uid</c>, <c>Gid</c>, <c>Groups</c>, <c>CapEff</c>, <c>CapPrm</c> of every thread).</summary>
    Identity = 2,

    /// <summary>Landlock file system rules. Inside; not visible in <c>/proc</c>, so reported but unverifiable from outside.</summary>
    Landlock = 4,

    /// <summary>The <see cref="SandboxNetwork.None"/> rules. Inside; the network namespace is verified (<c>/proc/PID/ns/net</c>), the socket rule through <see cref="Seccomp"/>.</summary>
    Network = 8,

    /// <summary>The seccomp-bpf allow-list. Inside; verified (<c>Seccomp: 2</c> in every thread).</summary>
    Seccomp = 16,

    /// <summary>Resource limits. Applied from outside with <c>prlimit</c> (and again by a C# helper); verified (<c>/proc/PID/limits</c>).</summary>
    ResourceLimits = 32,

    /// <summary>cgroup <c>pids.max</c> and CPU quota. Applied from outside; verified (the cgroup's files and <c>/proc/PID/cgroup</c>).</summary>
    Cgroup = 64,

    /// <summary>The parts only the helper can apply to itself.</summary>
    InHelper = NoNewPrivileges | Identity | Landlock | Network | Seccomp,

    /// <summary>The parts the host applies from outside.</summary>
    Outside = ResourceLimits | Cgroup,
}
