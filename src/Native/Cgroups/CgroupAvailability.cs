namespace UmhActors.Native.Cgroups;

/// <summary>
/// What run-time detection found: which cgroup back end helpers get (<see cref="Backend"/>), or
/// why none (<see cref="Reason"/>). Obtain it from <see cref="CgroupSupport.Current"/>.
/// </summary>
public sealed class CgroupAvailability
{
    private CgroupAvailability(CgroupBackend? backend, string reason, IReadOnlyList<string> hostDirectories)
    {
        Backend = backend;
        Reason = reason;
        HostDirectories = hostDirectories;
    }

    /// <summary>V2 or V1 when helper cgroups can be created; null when they cannot.</summary>
    public CgroupBackend? Backend { get; }

    /// <summary>True when helpers can get a cgroup (memory limit, OOM evidence, freezing).</summary>
    public bool IsAvailable => Backend is not null;

    /// <summary>Why cgroups cannot be used (e.g. "not root and not delegated"), or which
    /// directories are used and why the other back end was not.</summary>
    public string Reason { get; }

    /// <summary>The host's own cgroup directories helper cgroups are created in: the unified one
    /// for v2; memory then (when usable) freezer for v1. Empty when unavailable.</summary>
    public IReadOnlyList<string> HostDirectories { get; }

    /// <summary>v2: the host's cgroup directory.</summary>
    internal string? V2Directory => Backend == CgroupBackend.V2 ? HostDirectories[0] : null;

    /// <summary>v1: the host's directory in the memory hierarchy.</summary>
    internal string? V1MemoryDirectory => Backend == CgroupBackend.V1 ? HostDirectories[0] : null;

    /// <summary>v1: the host's directory in the freezer hierarchy; null when freezer is not usable.</summary>
    internal string? V1FreezerDirectory => Backend == CgroupBackend.V1 && HostDirectories.Count > 1 ? HostDirectories[1] : null;

    /// <summary>Kernel stand-in for tests that mimic cgroupfs in an ordinary directory: called
    /// after each helper directory is made (to create the control files the kernel would) and
    /// before it is removed (to delete them, which rmdir on cgroupfs does not need). Null in production.</summary>
    internal CgroupFsMimic? Mimic { get; init; }

    /// <inheritdoc />
    public override string ToString() => IsAvailable ? $"cgroup {Backend}: {Reason}" : $"cgroups unavailable: {Reason}";

    /// <summary>This availability with a kernel stand-in (tests over a mimicking directory only).</summary>
    internal CgroupAvailability WithMimic(CgroupFsMimic mimic) => new(Backend, Reason, HostDirectories) { Mimic = mimic };

    internal static CgroupAvailability Unavailable(string reason) => new(null, reason, []);

    internal static CgroupAvailability ForV2(string hostDirectory, string reason) =>
        new(CgroupBackend.V2, reason, [hostDirectory]);

    internal static CgroupAvailability ForV1(string memoryDirectory, string? freezerDirectory, string reason) =>
        new(CgroupBackend.V1, reason, freezerDirectory is null ? [memoryDirectory] : [memoryDirectory, freezerDirectory]);
}
