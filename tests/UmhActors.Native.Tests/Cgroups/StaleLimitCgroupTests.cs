using UmhActors.Native.Cgroups;
using UmhActors.Native.Exit;
using UmhActors.Native.Launch;
using Xunit.Abstractions;

namespace UmhActors.Native.Tests.Cgroups;

/// <summary>The stale sweep covers every hierarchy helper cgroups are made in: on v1 a sandbox's
/// task limit and CPU quota put the helper in a directory of the pids and cpu hierarchies too, and
/// a host killed with SIGKILL leaves those behind like the memory and freezer ones.</summary>
[Collection(CgroupCollection.Name)]
public sealed class StaleLimitCgroupTests(ITestOutputHelper output)
{
    [V1LimitHierarchiesFact]
    public async Task A_dead_hosts_pids_and_cpu_cgroups_are_removed_and_a_helper_inside_is_killed()
    {
        var mounts = CgroupMounts.ForCurrentProcess();
        var hierarchies = new[] { mounts.FindV1Directory("pids")!, mounts.FindV1Directory("cpu")! };
        Assert.All(hierarchies, h => Assert.Contains(h, StaleCgroupCollector.SweptHierarchies(CgroupSupport.Current)));

        var deadPid = await StaleCgroupTests.DeadPidAsync();
        var stale = hierarchies.Select(d => Path.Combine(d, $"umh-{deadPid}-1-{StaleCgroupCollector.NamespaceTag}-stale-limits-test")).ToList();
        var live = hierarchies.Select(d => Path.Combine(d, $"umh-1-1-{StaleCgroupCollector.NamespaceTag}-live-limits-test")).ToList();
        using var blob = CgroupBlobs.Sleeper();
        var orphan = HelperLauncher.Launch(blob, LaunchOptions.Default.WithStdio(StdioMode.Pipes));
        try
        {
            foreach (var directory in stale.Concat(live)) Directory.CreateDirectory(directory);
            foreach (var directory in stale) File.WriteAllText(Path.Combine(directory, "cgroup.procs"), orphan.Pid + "\n");

            var sweep = CgroupSupport.RemoveStaleCgroups();
            output.WriteLine($"removed [{string.Join(", ", sweep.Removed)}], failed [{string.Join(", ", sweep.Failed)}]");

            Assert.All(stale, directory => Assert.False(Directory.Exists(directory), $"{directory} is still there"));
            Assert.All(stale, directory => Assert.Contains(directory, sweep.Removed));
            Assert.All(live, directory => Assert.True(Directory.Exists(directory), $"{directory} (a live host's) was removed"));
            var exit = await orphan.Exited.WaitAsync(TimeSpan.FromSeconds(10));
            Assert.Equal(SignalNames.SIGKILL, exit.Signal);
        }
        finally
        {
            orphan.Kill();
            await orphan.Exited.WaitAsync(TimeSpan.FromSeconds(10));
            foreach (var directory in stale.Concat(live).Where(Directory.Exists)) await StaleCgroupTests.RemoveAsync(directory);
            orphan.Dispose();
        }
    }
}
