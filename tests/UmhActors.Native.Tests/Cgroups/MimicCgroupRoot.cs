using UmhActors.Native.Cgroups;

namespace UmhActors.Native.Tests.Cgroups;

/// <summary>
/// An ordinary temporary directory that mimics a cgroup v2 host cgroup, for testing the v2 back
/// end on machines (like this one) where no cgroup2 hierarchy has the memory controller. The
/// test plays the kernel: it fills in control files on mkdir and reports freeze state.
/// </summary>
internal sealed class MimicCgroupRoot : IDisposable
{
    public MimicCgroupRoot(string controllers = "cpu io memory pids")
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("umh-v2-mimic-").FullName;
        File.WriteAllText(Path.Combine(Directory, "cgroup.controllers"), controllers + "\n");
        File.WriteAllText(Path.Combine(Directory, "cgroup.subtree_control"), "");
    }

    /// <summary>The mimicked host cgroup directory.</summary>
    public string Directory { get; }

    /// <summary>Detection over the mimic, with the kernel stand-in attached.</summary>
    public CgroupAvailability Probe() =>
        CgroupSupport.ProbeV2(Directory).WithMimic(new CgroupFsMimic(CreateControlFiles, DeleteControlFiles));

    /// <summary>Plays the kernel updating <c>cgroup.events</c>.</summary>
    public static void ReportFrozen(string cgroupDirectory, bool frozen) =>
        File.WriteAllText(Path.Combine(cgroupDirectory, "cgroup.events"), $"populated 1\nfrozen {(frozen ? 1 : 0)}\n");

    /// <summary>Plays the kernel counting OOM kills in <c>memory.events</c>.</summary>
    public static void ReportOomKills(string cgroupDirectory, int count) =>
        File.WriteAllText(Path.Combine(cgroupDirectory, "memory.events"), $"low 0\nhigh 0\nmax {count}\noom {count}\noom_kill {count}\n");

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);

    // Empty files, as the library opens control files without O_TRUNC (cgroupfs needs none).
    private static void CreateControlFiles(string directory)
    {
        foreach (var name in new[] { "memory.max", "memory.swap.max", "cgroup.freeze", "cgroup.procs", "cgroup.kill" })
            File.WriteAllText(Path.Combine(directory, name), "");
        ReportOomKills(directory, 0);
        ReportFrozen(directory, false);
    }

    private static void DeleteControlFiles(string directory)
    {
        foreach (var file in System.IO.Directory.EnumerateFiles(directory)) File.Delete(file);
    }
}
