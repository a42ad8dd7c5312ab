namespace UmhActors.NativeFaultHost;

/// <summary>Pid exhaustion for real: this host moves itself into a new cgroup v1 <c>pids</c> group
/// below its own, caps <c>pids.max</c> a few tasks above what it runs now, launches helpers until
/// the clone fails, then lifts the cap and launches again. Leaves the group (and removes it) at the end.</summary>
internal static class PidsLimit
{
    public static void Run(string pidsRoot)
    {
        var own = File.ReadLines("/proc/self/cgroup").Select(l => l.Split(':', 3)).Single(f => f[1].Split(',').Contains("pids"))[2];
        var parent = Path.Join(pidsRoot, own);
        var group = Path.Join(parent, $"umh-test-pids-{Environment.ProcessId}");
        Directory.CreateDirectory(group);
        try
        {
            using var helpers = new HelpersUnderCap();
            File.WriteAllText(Path.Join(group, "cgroup.procs"), Environment.ProcessId.ToString());
            var current = int.Parse(File.ReadAllText(Path.Join(group, "pids.current")).Trim());
            File.WriteAllText(Path.Join(group, "pids.max"), (current + 3).ToString());
            helpers.FillToCap();
            File.WriteAllText(Path.Join(group, "pids.max"), "max");
            Console.WriteLine($"after-lift={helpers.LaunchOnceMore()}");
        }
        finally
        {
            File.WriteAllText(Path.Join(parent, "cgroup.procs"), Environment.ProcessId.ToString());
            Directory.Delete(group);
        }
        HelpersUnderCap.ReportLeftovers();
        Console.WriteLine($"group-left={Directory.Exists(group)}");
    }
}
