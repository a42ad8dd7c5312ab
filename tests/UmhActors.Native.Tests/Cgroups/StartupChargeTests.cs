using UmhActors.Native.Cgroups;
using UmhActors.Native.Launch;
using UmhActors.Native.Processes;
using UmhActors.Tests.Shared;

namespace UmhActors.Native.Tests.Cgroups;

/// <summary>Under a v1 memory limit the helper starts inside its cgroup, so its start-up is
/// charged to it; the host threads that spawned it all go back to the host's cgroup, also when
/// many threads launch at once.</summary>
[Collection(CgroupCollection.Name)]
public sealed class StartupChargeTests
{
    [RealCgroupFact]
    public async Task Concurrent_launches_charge_each_helpers_start_up_to_its_own_cgroup_and_every_host_thread_returns_home()
    {
        if (CgroupSupport.Current.Backend != CgroupBackend.V1) return; // v2 moves the child in after its start (docs/supervision.md)
        var home = ThreadMemoryCgroups().Distinct().Single();
        var options = LaunchOptions.Default.WithMemoryLimit(64L << 20).WithStdio(StdioMode.Null).WithArguments("30");
        var helpers = new System.Collections.Concurrent.ConcurrentBag<HelperProcess>();
        var cgroups = new List<string>();
        try
        {
            var start = new Barrier(6);
            // The launching threads stay alive until checked: a thread that ended has left every cgroup.
            using var launched = new CountdownEvent(6);
            using var checkedHome = new ManualResetEventSlim();
            var threads = Enumerable.Range(0, 6).Select(_ => new Thread(() =>
            {
                start.SignalAndWait();
                try
                {
                    for (var i = 0; i < 4; i++) helpers.Add(HelperLauncher.LaunchPath("/bin/sleep", options));
                }
                finally
                {
                    launched.Signal();
                }
                checkedHome.Wait(TimeSpan.FromSeconds(60));
            })).ToList();
            threads.ForEach(t => t.Start());
            Assert.True(launched.Wait(TimeSpan.FromSeconds(30)));
            var afterLaunches = ThreadMemoryCgroups().Distinct().ToList();
            checkedHome.Set();
            threads.ForEach(t => Assert.True(t.Join(TimeSpan.FromSeconds(30))));
            Assert.Equal(24, helpers.Count);
            Assert.Equal([home], afterLaunches);
            foreach (var helper in helpers)
            {
                var path = helper.Cgroup!.Path;
                cgroups.AddRange(helper.Cgroup.Paths);
                // The helper runs in its own memory cgroup, and what exec and the loader touched is charged there.
                Assert.Equal(Path.GetFileName(path), Path.GetFileName(MemoryCgroupOf($"/proc/{helper.Pid}/cgroup")));
                Assert.True(long.Parse(File.ReadAllText(Path.Combine(path, "memory.usage_in_bytes"))) > 0, $"nothing charged to {path}");
            }
        }
        finally
        {
            foreach (var helper in helpers) helper.Dispose();
            await Task.WhenAll(helpers.Select(h => h.Exited)).WaitAsync(TimeSpan.FromSeconds(30));
        }
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (cgroups.Any(Directory.Exists) && DateTime.UtcNow < deadline) await Task.Delay(20);
        Assert.DoesNotContain(cgroups, Directory.Exists);
    }

    private static string MemoryCgroupOf(string file) =>
        File.ReadLines(file).Select(l => l.Split(':', 3)).Single(f => f[1].Split(',').Contains("memory"))[2];

    private static IEnumerable<string> ThreadMemoryCgroups()
    {
        foreach (var task in Directory.EnumerateDirectories("/proc/self/task"))
        {
            string? cgroup = null;
            try
            {
                cgroup = MemoryCgroupOf(Path.Combine(task, "cgroup"));
            }
            catch (IOException)
            {
                // the thread ended meanwhile
            }
            if (cgroup is not null) yield return cgroup;
        }
    }
}
