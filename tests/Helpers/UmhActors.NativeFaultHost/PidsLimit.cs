using UmhActors.Native.Launch;
using UmhActors.Native.Processes;

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
        var helpers = new List<HelperProcess>();
        var calls = new SortedSet<string>();
        try
        {
            File.WriteAllText(Path.Join(group, "cgroup.procs"), Environment.ProcessId.ToString());
            var current = int.Parse(File.ReadAllText(Path.Join(group, "pids.current")).Trim());
            File.WriteAllText(Path.Join(group, "pids.max"), (current + 3).ToString());
            var options = LaunchOptions.Default.WithStdio(StdioMode.Null).WithArguments("60");
            for (var i = 0; i < 10; i++)
            {
                try
                {
                    helpers.Add(HelperLauncher.LaunchPath("/bin/sleep", options));
                }
                catch (LaunchFailedException e)
                {
                    calls.Add($"{e.Call}:{e.ErrorName}:{(e.IsTransient ? "transient" : "permanent")}");
                    break;
                }
            }
            Console.WriteLine($"launched-under-cap={helpers.Count}");
            Console.WriteLine($"refused={string.Join(",", calls)}");
            File.WriteAllText(Path.Join(group, "pids.max"), "max");
            string after;
            try
            {
                helpers.Add(HelperLauncher.LaunchPath("/bin/sleep", options));
                after = "ok";
            }
            catch (LaunchFailedException e)
            {
                after = $"{e.Call}:{e.ErrorName}";
            }
            Console.WriteLine($"after-lift={after}");
        }
        finally
        {
            foreach (var helper in helpers) helper.Dispose();
            Task.WaitAll(helpers.Select(h => h.Exited).ToArray(), TimeSpan.FromSeconds(10));
            File.WriteAllText(Path.Join(parent, "cgroup.procs"), Environment.ProcessId.ToString());
            Directory.Delete(group);
        }
        Console.WriteLine($"live-helpers={Native.Exit.LiveHelpers.Count}");
        Console.WriteLine($"zombies={Census.ZombieChildren()}");
        Console.WriteLine($"group-left={Directory.Exists(group)}");
    }
}
