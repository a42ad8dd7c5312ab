using UmhActors.Native.Interop;
using static Tmds.Linux.LibC;

namespace UmhActors.Native.Cgroups;

/// <summary>
/// Run-time detection of the cgroup back end helpers get, done once and cached. cgroup v2 is
/// used when the unified hierarchy offers the <c>memory</c> controller to the host's cgroup and
/// it can be enabled for children; otherwise cgroup v1 when the memory hierarchy is mounted and
/// the host's directory in it is writable (the freezer hierarchy is used too when it is);
/// otherwise cgroups are unavailable and <see cref="CgroupAvailability.Reason"/> says why.
/// </summary>
/// <remarks>
/// Detection may change one thing: on v2 it writes <c>+memory</c> to the host cgroup's
/// <c>cgroup.subtree_control</c>, which is what delegation is for. It never touches any other
/// cgroup.
/// </remarks>
public static class CgroupSupport
{
    // Not Lazy<T>: it would cache a detection that failed for want of an fd, for good.
    private static readonly RetryingLazy<CgroupAvailability> s_current = new(() => Detect(CgroupMounts.ForCurrentProcess()));

    private static readonly RetryingLazy<StaleCgroupSweep> s_firstSweep = new(() => StaleCgroupCollector.Sweep(Current));

    /// <summary>The back end for this process, detected on first use (a detection that throws is
    /// tried again at the next use).</summary>
    public static CgroupAvailability Current => s_current.Value;

    /// <summary>What the automatic sweep did, or null before it ran. It runs once, before this
    /// process creates its first helper cgroup: see <see cref="RemoveStaleCgroups"/>.</summary>
    public static StaleCgroupSweep? FirstSweep => s_firstSweep.IsValueCreated ? s_firstSweep.Value : null;

    /// <summary>
    /// Removes the helper cgroups that hosts no longer running left in this host's cgroup
    /// (<c>umh-PID-…</c> where PID, in this host's pid namespace, is not a running process;
    /// other namespaces' cgroups are left alone), killing any helper still inside
    /// (one frozen there never sees its stdin close). A host killed with SIGKILL cannot remove its
    /// own; the next host started in the same cgroup does this automatically before its first
    /// helper cgroup. Cgroups of running hosts, and of this one, are never touched.
    /// </summary>
    public static StaleCgroupSweep RemoveStaleCgroups() => StaleCgroupCollector.Sweep(Current);

    internal static void SweepStaleOnce() => _ = s_firstSweep.Value;

    internal static CgroupAvailability Detect(CgroupMounts mounts)
    {
        var v2Directory = mounts.FindV2Directory();
        var v2 = v2Directory is null
            ? CgroupAvailability.Unavailable("cgroup v2: no cgroup2 hierarchy holding this process is mounted")
            : ProbeV2(v2Directory);
        if (v2.IsAvailable) return v2;
        var v1 = ProbeV1(mounts.FindV1Directory("memory"), mounts.FindV1Directory("freezer"));
        return v1.IsAvailable
            ? CgroupAvailability.ForV1(v1.HostDirectories[0], v1.V1FreezerDirectory, v1.Reason + "; not v2 because " + v2.Reason)
            : CgroupAvailability.Unavailable(v2.Reason + "; " + v1.Reason);
    }

    /// <summary>Checks whether helper cgroups can be made under <paramref name="hostDirectory"/>
    /// of a unified hierarchy, enabling the memory controller for its children if needed.</summary>
    internal static CgroupAvailability ProbeV2(string hostDirectory)
    {
        var controllersFile = Path.Combine(hostDirectory, "cgroup.controllers");
        var controllers = CgroupFs.ReadIfExists(controllersFile);
        if (controllers is null)
            return CgroupAvailability.Unavailable($"cgroup v2: {controllersFile} does not exist");
        if (!Words(controllers).Contains("memory"))
            return CgroupAvailability.Unavailable(
                $"cgroup v2: the memory controller is not available in {hostDirectory} (cgroup.controllers: '{controllers.Trim()}'); " +
                "the parent has not delegated it, or memory is bound to a v1 hierarchy");
        if (NotWritable("cgroup v2", hostDirectory) is { } reason) return CgroupAvailability.Unavailable(reason);

        var subtreeFile = Path.Combine(hostDirectory, "cgroup.subtree_control");
        if (!Words(CgroupFs.Read(subtreeFile)).Contains("memory"))
        {
            var errno = CgroupFs.TryWrite(subtreeFile, "+memory");
            if (errno == Errno.EBUSY)
                return CgroupAvailability.Unavailable(
                    $"cgroup v2: writing '+memory' to {subtreeFile} failed with EBUSY: the 'no internal processes' rule forbids " +
                    $"enabling controllers for children of a cgroup that holds processes, and {hostDirectory} holds this host; " +
                    "run the host in a leaf cgroup below a delegated one (e.g. systemd Delegate=yes) so helpers can be its siblings' children");
            if (errno != 0)
                return CgroupAvailability.Unavailable(
                    $"cgroup v2: writing '+memory' to {subtreeFile} failed: {Errno.Name(errno)} ({Errno.Describe(errno)}); not delegated to uid {geteuid()}");
        }
        return CgroupAvailability.ForV2(hostDirectory, $"helper cgroups under {hostDirectory}");
    }

    /// <summary>Checks whether helper cgroups can be made in the v1 memory hierarchy (and freezer,
    /// which is optional: without it helpers are not freezable).</summary>
    internal static CgroupAvailability ProbeV1(string? memoryDirectory, string? freezerDirectory)
    {
        if (memoryDirectory is null)
            return CgroupAvailability.Unavailable("cgroup v1: no memory hierarchy holding this process is mounted");
        if (NotWritable("cgroup v1", memoryDirectory) is { } reason) return CgroupAvailability.Unavailable(reason);
        var freezer = freezerDirectory is not null && CgroupFs.CheckWritable(freezerDirectory) == 0 ? freezerDirectory : null;
        return CgroupAvailability.ForV1(memoryDirectory, freezer,
            $"helper cgroups under {memoryDirectory}" + (freezer is null ? " (no writable freezer hierarchy: helpers cannot be frozen)" : $" and {freezer}"));
    }

    private static string? NotWritable(string backend, string directory) => CgroupFs.CheckWritable(directory) switch
    {
        0 => null,
        Errno.EACCES or Errno.EPERM => $"{backend}: {directory} is not writable by uid {geteuid()}: not root and not delegated",
        30 => $"{backend}: {directory} is on a read-only mount", // EROFS
        var errno => $"{backend}: {directory} is not writable: {Errno.Name(errno)} ({Errno.Describe(errno)})",
    };

    private static string[] Words(string text) => text.Split((char[])[' ', '\n'], StringSplitOptions.RemoveEmptyEntries);
}
