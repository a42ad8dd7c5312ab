using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using UmhActors.Native.Exit;
using UmhActors.Native.Interop;
using static Tmds.Linux.LibC;

namespace UmhActors.Native.Cgroups;

/// <summary>
/// What <see cref="CgroupSupport.RemoveStaleCgroups"/> did: the helper cgroups of dead hosts it
/// removed, and those it could not remove (with why).
/// </summary>
/// <param name="Removed">Directories removed.</param>
/// <param name="Failed">Directories left in place, each with the error.</param>
public sealed record StaleCgroupSweep(IReadOnlyList<string> Removed, IReadOnlyList<(string Path, string Error)> Failed)
{
    internal static StaleCgroupSweep Empty { get; } = new([], []);
}

/// <summary>
/// Finds and removes helper cgroups whose host died without removing them (killed with SIGKILL,
/// or by the OOM killer): directories named <c>umh-PID-N-pPIDNS-NAME</c> in the host's cgroup
/// whose PID namespace is ours and whose PID no longer runs. A helper still inside is killed
/// first; one frozen there (by a freeze its host never undid) would otherwise never see its stdin
/// close and would live on forever.
/// </summary>
internal static partial class StaleCgroupCollector
{
    /// <summary>"p" and the inode of this process's pid namespace ("p0" if unreadable, which no
    /// sweep matches): part of every helper cgroup's name.</summary>
    public static string NamespaceTag { get; } = "p" + (ReadPidNamespace() ?? 0);

    [GeneratedRegex(@"^umh-(?<pid>[0-9]+)-[0-9]+-(?<ns>p[0-9]+)-")]
    private static partial Regex HelperCgroupName();

    public static StaleCgroupSweep Sweep(CgroupAvailability availability)
    {
        if (!availability.IsAvailable) return StaleCgroupSweep.Empty;
        var removed = new List<string>();
        var failed = new List<(string, string)>();
        var stale = SweptHierarchies(availability).SelectMany(StaleIn).ToList();
        // Kill and thaw in every hierarchy first: a v1 task frozen in the freezer hierarchy cannot
        // die (and leave its memory cgroup) until its freezer cgroup is thawed.
        foreach (var directory in stale) Try(directory, KillInside, failed);
        foreach (var directory in stale.Where(d => !failed.Any(f => f.Item1 == d)))
            if (Try(directory, Remove, failed)) removed.Add(directory);
        return new StaleCgroupSweep(removed, failed);
    }

    // v1 hierarchies a sandbox's limits add a helper directory in (HelperCgroup.Create: pids.max,
    // cpu.cfs_quota_us), beside the memory and freezer ones the availability names.
    private static readonly string[] V1LimitControllers = ["pids", "cpu"];

    /// <summary>The host's directory in every hierarchy the library creates helper cgroups in:
    /// v2 the one; v1 memory, freezer, and the pids and cpu hierarchies where mounted.</summary>
    internal static IReadOnlyList<string> SweptHierarchies(CgroupAvailability availability)
    {
        var directories = availability.HostDirectories.ToList();
        // A mimic plays one test's tree: the machine's real hierarchies are not its to sweep.
        if (availability.Backend != CgroupBackend.V1 || availability.Mimic is not null) return directories;
        CgroupMounts mounts;
        try
        {
            mounts = CgroupMounts.ForCurrentProcess();
        }
        catch (IOException)
        {
            return directories; // the tables were readable when cgroups were detected; a sweep is best effort
        }
        foreach (var controller in V1LimitControllers)
            if (mounts.FindV1Directory(controller) is { } directory && !directories.Contains(directory))
                directories.Add(directory);
        return directories;
    }

    private static IEnumerable<string> StaleIn(string hostDirectory)
    {
        string[] children;
        try
        {
            children = Directory.GetDirectories(hostDirectory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
        return children.Where(child =>
        {
            var match = HelperCgroupName().Match(Path.GetFileName(child));
            // Only pids of our own namespace can be judged: another namespace's host may run.
            if (!match.Success || match.Groups["ns"].Value != NamespaceTag || NamespaceTag == "p0") return false;
            if (!int.TryParse(match.Groups["pid"].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out var pid)) return false;
            // Our own pid: ours, or a dead predecessor's that had the same pid; ours win the doubt.
            return pid != Environment.ProcessId && !IsRunning(pid);
        });
    }

    // EPERM means a process exists that we may not signal: running, so not stale.
    private static bool IsRunning(int pid) => kill(pid, 0) == 0 || Marshal.GetLastPInvokeError() != Errno.ESRCH;

    // /proc/self/ns/pid reads as "pid:[4026531836]"; the number identifies the namespace.
    private static ulong? ReadPidNamespace()
    {
        try
        {
            var target = new FileInfo("/proc/self/ns/pid").LinkTarget;
            var digits = target?.Split('[', ']') is [_, var inner, ..] ? inner : null;
            return ulong.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var inode) ? inode : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static bool Try(string directory, Action<string> step, List<(string, string)> failed)
    {
        try
        {
            step(directory);
            return true;
        }
        catch (Exception e) when (e is IOException or NativeCallException or UnauthorizedAccessException)
        {
            failed.Add((directory, e.Message));
            return false;
        }
    }

    // Concurrent hosts may sweep the same directory: one that is already gone counts as removed.
    private static void Remove(string directory) =>
        CgroupDriver.RemoveDirectoryRetrying(directory, Stopwatch.GetTimestamp(), () => KillInside(directory), goneIsDone: true);

    // SIGKILL to whatever is inside, then thaw: frozen tasks act on SIGKILL only once thawed.
    private static void KillInside(string directory)
    {
        var procs = Path.Combine(directory, "cgroup.procs");
        if (CgroupFs.ReadIfExists(procs) is not { Length: > 0 }) return;
        CgroupDriver.KillListed(procs);
        if (CgroupFs.ReadIfExists(Path.Combine(directory, "freezer.state"))?.Trim() is { } state && state != "THAWED")
            CgroupFs.Write(Path.Combine(directory, "freezer.state"), "THAWED\n");
        if (CgroupFs.ReadIfExists(Path.Combine(directory, "cgroup.freeze"))?.Trim() == "1")
            CgroupFs.Write(Path.Combine(directory, "cgroup.freeze"), "0\n");
    }
}
