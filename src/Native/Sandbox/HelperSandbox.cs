namespace UmhActors.Native.Sandbox;

/// <summary>
/// Least privilege for one helper: what it may touch, how much it may use, who it runs as.
/// Immutable; start from <see cref="Default"/> and refine with <c>With…</c>; pass it with
/// <c>LaunchOptions.WithSandbox</c>. <c>docs/security.md</c> explains each field and the threat model.
/// </summary>
/// <remarks>
/// <para>Two halves. From outside, the host sets the resource limits with <c>prlimit</c> right after
/// spawn and the cgroup limits (<see cref="MaxTasks"/>, <see cref="CpuQuota"/>) before the helper
/// is placed. From inside, a C# helper that starts with <see cref="SandboxedHelper.CreateBuilder"/>
/// applies, before any of its own code and before <c>$/hello</c>: the network namespace, the
/// identity switch, <c>no_new_privs</c>, Landlock, then seccomp (each needs the one before it, or
/// the privilege it drops), and reports what it applied in <c>$/hello</c>'s capabilities.</para>
/// <para>The host checks <c>/proc/PID/status</c> (every thread) and <c>/proc/PID/limits</c> after
/// <c>$/hello</c> and before the first request: a helper that claims a part it did not enter is
/// killed as a protocol violation; a helper that does not report a required in-helper part
/// (e.g. one written in another language) fails its launch with
/// <see cref="SandboxVerificationException"/>. For such helpers use a spec with outside parts only
/// (<see cref="LimitsOnly"/>).</para>
/// </remarks>
public sealed record HelperSandbox
{
    /// <summary>The core-dump limit every sandbox starts with: none (a dump of a helper fed hostile input is a leak).</summary>
    public const long DefaultCoreBytes = 0;

    /// <summary><c>no_new_privs</c>, no core dumps, the default system call allow-list failing other
    /// calls with <c>EPERM</c>; file system, network and identity unchanged, no limits.</summary>
    public static HelperSandbox Default { get; } = new();

    /// <summary>No core dumps and nothing the helper must do itself: for helpers that do not use
    /// the C# helper runtime (they cannot report in-helper parts). Add limits with <c>With…</c>.</summary>
    public static HelperSandbox LimitsOnly { get; } = new() { NoNewPrivileges = false, FilterSystemCalls = false };

    /// <summary>Sets <c>PR_SET_NO_NEW_PRIVS</c> in the helper (true by default). Seccomp needs it
    /// when the helper drops to a uid without <c>CAP_SYS_ADMIN</c>, so <see cref="FilterSystemCalls"/> implies it.</summary>
    public bool NoNewPrivileges { get; init; } = true;

    /// <summary><c>RLIMIT_AS</c> in bytes; null leaves it as inherited. The helper runtime reserves
    /// address space generously (the GC's regions), so give NativeAOT helpers several GiB.</summary>
    public long? AddressSpaceBytes { get; init; }

    /// <summary><c>RLIMIT_CPU</c> in seconds of CPU time: <c>SIGXCPU</c> (a crash with that
    /// signal) at the limit, <c>SIGKILL</c> one second later if it is handled; null for none.</summary>
    public int? CpuSeconds { get; init; }

    /// <summary><c>RLIMIT_NOFILE</c>; null leaves it as inherited.</summary>
    public int? OpenFiles { get; init; }

    /// <summary><c>RLIMIT_CORE</c> in bytes; <see cref="DefaultCoreBytes"/> (0) unless set, null leaves it as inherited.</summary>
    public long? CoreBytes { get; init; } = DefaultCoreBytes;

    /// <summary><c>RLIMIT_NPROC</c>: processes of the helper's uid (all of them, machine-wide; root
    /// ignores it). Prefer <see cref="MaxTasks"/>, which counts only the helper's own.</summary>
    public int? Processes { get; init; }

    /// <summary>The helper cgroup's <c>pids.max</c>: tasks (threads included) the helper and its
    /// descendants may have at once; a fork or thread creation beyond fails with <c>EAGAIN</c>.
    /// Needs cgroups (the launch fails with <c>CgroupUnavailableException</c> otherwise).</summary>
    public int? MaxTasks { get; init; }

    /// <summary>The helper cgroup's CPU quota in CPUs (0.5: half of one CPU per 100 ms period):
    /// throttling, not killing. Needs cgroups.</summary>
    public double? CpuQuota { get; init; }

    /// <summary>True when Landlock confines the file system to <see cref="ReadOnlyPaths"/> and
    /// <see cref="ReadWritePaths"/> (everything else denied: <c>EACCES</c>). False by default.</summary>
    public bool RestrictFileSystem { get; init; }

    /// <summary>Paths (files or directory trees) the helper may read and execute.</summary>
    public IReadOnlyList<string> ReadOnlyPaths { get; init; } = [];

    /// <summary>Paths (files or directory trees) the helper may read, write, create in and remove from.</summary>
    public IReadOnlyList<string> ReadWritePaths { get; init; } = [];

    /// <summary>Network access; <see cref="SandboxNetwork.Allowed"/> by default.</summary>
    public SandboxNetwork Network { get; init; } = SandboxNetwork.Allowed;

    /// <summary>With <see cref="SandboxNetwork.None"/>: also move the helper into a new network
    /// namespace (needs <c>CAP_SYS_ADMIN</c>, i.e. a root host; costs a few ms per launch, and only
    /// the helper's main thread and the threads it starts later get it). False by default.</summary>
    public bool NewNetworkNamespace { get; init; }

    /// <summary>True (default) to install the seccomp-bpf allow-list: <see cref="SeccompAllowList.Default"/>
    /// plus <see cref="ExtraSystemCalls"/>.</summary>
    public bool FilterSystemCalls { get; init; } = true;

    /// <summary>System call names allowed on top of the default list.</summary>
    public IReadOnlyList<string> ExtraSystemCalls { get; init; } = [];

    /// <summary>What a call outside the list does; <see cref="SeccompAction.Eperm"/> by default.</summary>
    public SeccompAction OnDeniedSystemCall { get; init; } = SeccompAction.Eperm;

    /// <summary>The uid to switch to (host running as root only); null keeps the host's.</summary>
    public int? Uid { get; init; }

    /// <summary>The gid to switch to; set together with <see cref="Uid"/>.</summary>
    public int? Gid { get; init; }

    /// <summary>What this spec asks for, by part.</summary>
    public SandboxParts Parts =>
        (NoNewPrivileges || FilterSystemCalls || Network == SandboxNetwork.None ? SandboxParts.NoNewPrivileges : 0) |
        (Uid is not null ? SandboxParts.Identity : 0) |
        (RestrictFileSystem ? SandboxParts.Landlock : 0) |
        (Network == SandboxNetwork.None ? SandboxParts.Network : 0) |
        (FilterSystemCalls ? SandboxParts.Seccomp : 0) |
        (AddressSpaceBytes is not null || CpuSeconds is not null || OpenFiles is not null || CoreBytes is not null || Processes is not null ? SandboxParts.ResourceLimits : 0) |
        (MaxTasks is not null || CpuQuota is not null ? SandboxParts.Cgroup : 0);

    /// <summary>True when the helper itself must apply part of it (it must use the C# helper runtime's sandbox entry).</summary>
    public bool RequiresHelperCooperation => (Parts & SandboxParts.InHelper) != 0;

    /// <summary>This sandbox with the resource limits given (null leaves one unchanged).</summary>
    public HelperSandbox WithLimits(long? addressSpaceBytes = null, int? cpuSeconds = null, int? openFiles = null, long? coreBytes = null, int? processes = null)
    {
        Positive(addressSpaceBytes, nameof(addressSpaceBytes));
        Positive(cpuSeconds, nameof(cpuSeconds));
        Positive(openFiles, nameof(openFiles));
        if (coreBytes < 0) throw new ArgumentOutOfRangeException(nameof(coreBytes), coreBytes, "must be 0 or more");
        Positive(processes, nameof(processes));
        return this with
        {
            AddressSpaceBytes = addressSpaceBytes ?? AddressSpaceBytes,
            CpuSeconds = cpuSeconds ?? CpuSeconds,
            OpenFiles = openFiles ?? OpenFiles,
            CoreBytes = coreBytes ?? CoreBytes,
            Processes = processes ?? Processes,
        };
    }

    /// <summary>This sandbox with cgroup limits: <paramref name="maxTasks"/> for <c>pids.max</c>,
    /// <paramref name="cpuQuota"/> CPUs of quota (null leaves one unchanged).</summary>
    public HelperSandbox WithCgroupLimits(int? maxTasks = null, double? cpuQuota = null)
    {
        Positive(maxTasks, nameof(maxTasks));
        if (cpuQuota is { } q && (!double.IsFinite(q) || q < 0.001 || q > 1024))
            throw new ArgumentOutOfRangeException(nameof(cpuQuota), cpuQuota, "must be between 0.001 and 1024 CPUs");
        return this with { MaxTasks = maxTasks ?? MaxTasks, CpuQuota = cpuQuota ?? CpuQuota };
    }

    /// <summary>This sandbox with the file system confined by Landlock to the paths given (absolute;
    /// they need not exist yet at validation, but must when the helper starts).</summary>
    public HelperSandbox WithFileSystem(IEnumerable<string>? readOnly = null, IEnumerable<string>? readWrite = null) => this with
    {
        RestrictFileSystem = true,
        ReadOnlyPaths = CheckPaths(readOnly ?? [], nameof(readOnly)),
        ReadWritePaths = CheckPaths(readWrite ?? [], nameof(readWrite)),
    };

    /// <summary>This sandbox without network access (see <see cref="SandboxNetwork.None"/>).</summary>
    public HelperSandbox WithoutNetwork(bool newNamespace = false) => this with { Network = SandboxNetwork.None, NewNetworkNamespace = newNamespace };

    /// <summary>This sandbox with more system calls allowed (names as in <c>&lt;asm/unistd.h&gt;</c>,
    /// e.g. <c>"ptrace"</c>); an unknown name throws.</summary>
    public HelperSandbox WithSystemCalls(params string[] names)
    {
        foreach (var name in names)
            if (!SeccompSyscalls.TryGetNumber(name, out _))
                throw new ArgumentException($"'{name}' is not a system call this library knows on {System.Runtime.InteropServices.RuntimeInformation.OSArchitecture}", nameof(names));
        return this with { ExtraSystemCalls = [.. ExtraSystemCalls, .. names] };
    }

    /// <summary>This sandbox with denied system calls handled as <paramref name="action"/> says.</summary>
    public HelperSandbox WithDeniedSystemCall(SeccompAction action) => this with { OnDeniedSystemCall = action };

    /// <summary>This sandbox with (true) or without (false) the seccomp allow-list.</summary>
    public HelperSandbox WithSystemCallFilter(bool enabled) => this with { FilterSystemCalls = enabled };

    /// <summary>This sandbox running the helper as <paramref name="uid"/>:<paramref name="gid"/>
    /// (65534 is <c>nobody</c>), with no supplementary groups and no capabilities. The host must
    /// run as root, and the blob's memfd must be executable by that uid (it is: memfds are 0777).</summary>
    public HelperSandbox WithIdentity(int uid, int gid)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(uid);
        ArgumentOutOfRangeException.ThrowIfNegative(gid);
        return this with { Uid = uid, Gid = gid };
    }

    private static void Positive(long? value, string name)
    {
        if (value is <= 0) throw new ArgumentOutOfRangeException(name, value, "must be positive");
    }

    private static string[] CheckPaths(IEnumerable<string> paths, string name)
    {
        var list = paths.ToArray();
        foreach (var path in list)
            if (string.IsNullOrEmpty(path) || path[0] != '/' || path.Contains('\0') || path.Contains('\n'))
                throw new ArgumentException($"sandbox path '{path}' must be absolute and contain no NUL or newline", name);
        return list;
    }
}
