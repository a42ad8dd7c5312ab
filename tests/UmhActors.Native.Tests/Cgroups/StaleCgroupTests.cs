using System.Diagnostics;
using UmhActors.Native.Cgroups;
using UmhActors.Native.Exit;
using UmhActors.Native.Launch;
using UmhActors.Tests.Shared;
using Xunit.Abstractions;

namespace UmhActors.Native.Tests.Cgroups;

/// <summary>The sweep for helper cgroups a SIGKILLed host left behind, in this machine's real cgroups.</summary>
[Collection(CgroupCollection.Name)]
public sealed class StaleCgroupTests(ITestOutputHelper output)
{
    [RealCgroupFact]
    public async Task A_dead_hosts_cgroups_are_removed_and_the_frozen_helper_inside_is_killed()
    {
        var deadPid = await DeadPidAsync();
        var stale = CgroupSupport.Current.HostDirectories.Select(d => Path.Combine(d, $"umh-{deadPid}-1-{StaleCgroupCollector.NamespaceTag}-stale-test")).ToList();
        // pid 1 always runs: a live host's cgroups must be left alone.
        var live = CgroupSupport.Current.HostDirectories.Select(d => Path.Combine(d, $"umh-1-1-{StaleCgroupCollector.NamespaceTag}-live-host-test")).ToList();
        // A dead pid of another pid namespace cannot be judged from here: left alone too.
        var foreign = CgroupSupport.Current.HostDirectories.Select(d => Path.Combine(d, $"umh-{deadPid}-1-p1-other-namespace-test")).ToList();
        using var blob = CgroupBlobs.Sleeper();
        var orphan = HelperLauncher.Launch(blob, LaunchOptions.Default.WithStdio(StdioMode.Pipes));
        try
        {
            foreach (var directory in stale.Concat(live).Concat(foreign)) Directory.CreateDirectory(directory);
            foreach (var directory in stale) File.WriteAllText(Path.Combine(directory, "cgroup.procs"), orphan.Pid + "\n");
            // Frozen by the freeze its dead host never undid: v1 freezer or v2 cgroup.freeze.
            var frozen = await FreezeAsync(stale);
            var canFreeze = CgroupSupport.Current.Backend == CgroupBackend.V2 || CgroupSupport.Current.V1FreezerDirectory is not null;
            Assert.Equal(canFreeze, frozen);

            var sweep = CgroupSupport.RemoveStaleCgroups();
            output.WriteLine($"removed [{string.Join(", ", sweep.Removed)}], failed [{string.Join(", ", sweep.Failed)}]");

            Assert.All(stale, directory => Assert.False(Directory.Exists(directory), $"{directory} is still there"));
            Assert.All(live.Concat(foreign), directory => Assert.True(Directory.Exists(directory), $"{directory} was removed"));
            var exit = await orphan.Exited.WaitAsync(TimeSpan.FromSeconds(10));
            Assert.Equal(SignalNames.SIGKILL, exit.Signal);
        }
        finally
        {
            // Thaw before the kill: a frozen v1 task acts on SIGKILL only once thawed.
            var all = stale.Concat(live).Concat(foreign).ToList();
            foreach (var directory in all.Where(Directory.Exists))
            {
                var state = Path.Combine(directory, "freezer.state");
                if (File.Exists(state)) File.WriteAllText(state, "THAWED\n");
                var freeze = Path.Combine(directory, "cgroup.freeze");
                if (File.Exists(freeze)) File.WriteAllText(freeze, "0\n");
            }
            orphan.Kill();
            await orphan.Exited.WaitAsync(TimeSpan.FromSeconds(10));
            foreach (var directory in all.Where(Directory.Exists)) await RemoveAsync(directory);
            orphan.Dispose();
        }
    }

    /// <summary>rmdir, retried for 5 s while the kernel still detaches exiting tasks (EBUSY).</summary>
    internal static async Task RemoveAsync(string directory)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        while (true)
        {
            try
            {
                Directory.Delete(directory);
                return;
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(20);
            }
        }
    }

    [Fact]
    public void The_namespace_tag_names_this_process_pid_namespace()
    {
        var link = new FileInfo("/proc/self/ns/pid").LinkTarget!;
        Assert.Equal("p" + link.Split('[', ']')[1], StaleCgroupCollector.NamespaceTag);
    }

    [RealCgroupFact]
    public void This_hosts_own_cgroups_are_never_swept()
    {
        using var blob = CgroupBlobs.Sleeper();
        using var helper = HelperLauncher.Launch(blob, LaunchOptions.Default.WithStdio(StdioMode.Pipes).WithCgroup());
        var sweep = CgroupSupport.RemoveStaleCgroups();
        Assert.DoesNotContain(sweep.Removed, path => helper.Cgroup!.Paths.Contains(path));
        Assert.All(helper.Cgroup!.Paths, path => Assert.True(Directory.Exists(path)));
    }

    /// <summary>The pid of a process that has exited and been reaped.</summary>
    internal static async Task<int> DeadPidAsync()
    {
        using var exited = Process.Start(new ProcessStartInfo("/bin/true") { UseShellExecute = false })!;
        await exited.WaitForExitAsync();
        return exited.Id;
    }

    // True once the helper in one of the directories is frozen; false where no freezer exists.
    private static async Task<bool> FreezeAsync(IEnumerable<string> directories)
    {
        foreach (var directory in directories)
        {
            var v1 = Path.Combine(directory, "freezer.state");
            var v2 = Path.Combine(directory, "cgroup.freeze");
            if (File.Exists(v1))
            {
                File.WriteAllText(v1, "FROZEN\n");
                return await EventuallyAsync(() => File.ReadAllText(v1).Trim() == "FROZEN");
            }
            if (File.Exists(v2))
            {
                File.WriteAllText(v2, "1\n");
                return await EventuallyAsync(() => File.ReadAllLines(Path.Combine(directory, "cgroup.events")).Contains("frozen 1"));
            }
        }
        return false;
    }

    private static async Task<bool> EventuallyAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the test cgroup did not freeze");
            await Task.Delay(5);
        }
        return true;
    }
}
