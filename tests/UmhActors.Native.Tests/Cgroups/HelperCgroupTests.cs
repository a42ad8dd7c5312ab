using System.Diagnostics;
using UmhActors.Native.Cgroups;
using UmhActors.Native.Exit;
using UmhActors.Native.Launch;
using UmhActors.Native.Tests.Support;
using UmhActors.Tests.Shared;
using Xunit.Abstractions;

namespace UmhActors.Native.Tests.Cgroups;

/// <summary>Helpers in real cgroups of this machine (v1 here, v2 on most machines).</summary>
[Collection(CgroupCollection.Name)]
public sealed class HelperCgroupTests(ITestOutputHelper output)
{
    [RealCgroupFact]
    public async Task Helper_over_its_memory_limit_is_oom_killed_and_its_exit_status_says_so()
    {
        using var blob = CgroupBlobs.MemoryHog(256);
        var started = Stopwatch.GetTimestamp();
        var process = HelperLauncher.Launch(blob, LaunchOptions.Default.WithMemoryLimit(64 * CgroupBlobs.MiB));
        var (stdout, _, exit) = await ProcessText.RunToEndAsync(process);
        output.WriteLine($"{CgroupSupport.Current}; {exit}; OOM kill after {Stopwatch.GetElapsedTime(started).TotalMilliseconds:F0} ms");

        Assert.Equal(SignalNames.SIGKILL, exit.Signal);
        Assert.True(exit.OomKillCount >= 1, $"oom_kill was {exit.OomKillCount}");
        Assert.True(exit.OomKilled);
        Assert.DoesNotContain("survived", stdout);
    }

    [RealCgroupFact]
    public async Task Helper_within_its_limit_is_not_oom_killed_and_the_count_reads_zero()
    {
        using var blob = CgroupBlobs.MemoryHog(16);
        var process = HelperLauncher.Launch(blob, LaunchOptions.Default.WithMemoryLimit(256 * CgroupBlobs.MiB));
        Assert.Equal(256 * CgroupBlobs.MiB, process.Cgroup!.MemoryLimitBytes);
        var (stdout, _, exit) = await ProcessText.RunToEndAsync(process);

        Assert.Equal(0, exit.ExitCode);
        Assert.Contains("survived", stdout);
        Assert.Equal(0, exit.OomKillCount);
        Assert.False(exit.OomKilled);
    }

    [RealCgroupFact]
    public async Task Helper_without_a_cgroup_has_no_oom_evidence()
    {
        using var blob = TestBlobs.Shell("plain", "exit 0");
        var process = HelperLauncher.Launch(blob);
        Assert.Null(process.Cgroup);
        var (_, _, exit) = await ProcessText.RunToEndAsync(process);
        Assert.Null(exit.OomKillCount);
    }

    [RealCgroupFact]
    public async Task Cgroup_exists_while_the_helper_runs_holds_it_and_is_gone_after_reap()
    {
        using var blob = CgroupBlobs.Sleeper();
        var process = HelperLauncher.Launch(blob, LaunchOptions.Default.WithCgroup());
        var cgroup = process.Cgroup!;
        Assert.Equal(CgroupSupport.Current.Backend, cgroup.Backend);
        Assert.Null(cgroup.MemoryLimitBytes);
        Assert.Contains($"umh-{Environment.ProcessId}-", cgroup.Path);
        foreach (var dir in cgroup.Paths)
        {
            Assert.True(Directory.Exists(dir), dir);
            Assert.Contains(process.Pid.ToString(), File.ReadAllText(Path.Combine(dir, "cgroup.procs")).Split('\n'));
        }

        var (_, _, exit) = await ProcessText.RunToEndAsync(process);
        Assert.Equal(0, exit.ExitCode);
        Assert.True(cgroup.IsRemoved);
        Assert.Null(cgroup.RemovalError);
        Assert.All(cgroup.Paths, dir => Assert.False(Directory.Exists(dir), dir));
    }

    [RealCgroupFact(needsFreezer: true)]
    public async Task Frozen_helper_makes_no_progress_until_thawed()
    {
        using var blob = CgroupBlobs.Counter();
        await using var process = HelperLauncher.Launch(blob, LaunchOptions.Default.WithCgroup());
        var cgroup = process.Cgroup!;
        var buffer = new byte[4096];
        await process.Stdout!.ReadAsync(buffer).AsTask().WaitAsync(ProcessText.Timeout);

        var freezing = Stopwatch.GetTimestamp();
        // The counter vforks a sleep every 10 ms: a v1 freeze may need FROZEN written again
        // (FreezeOfVforkingHelperTests), and a loaded machine schedules the tasks late. This test is
        // about progress, not freeze latency, so it allows the freeze the process timeout.
        cgroup.Freeze(ProcessText.Timeout);
        output.WriteLine($"{cgroup}: frozen in {Stopwatch.GetElapsedTime(freezing).TotalMilliseconds:F1} ms ({cgroup.FreezeRetries} FROZEN rewrites), " +
                         $"/proc/{process.Pid}/stat state '{HostCensus.ReadStat($"/proc/{process.Pid}")?.State}'");
        Assert.True(cgroup.IsFrozen);
        if (cgroup.Backend == CgroupBackend.V1)
            Assert.Equal("FROZEN", File.ReadAllText(Path.Combine(cgroup.Paths[1], "freezer.state")).Trim());
        while (process.Stdout.TryRead(buffer, out var n) && n > 0) { }
        await Task.Delay(300);
        Assert.False(process.Stdout.TryRead(buffer, out var late) && late > 0, "a frozen helper wrote output");

        cgroup.Thaw();
        Assert.False(cgroup.IsFrozen);
        var resumed = await process.Stdout.ReadAsync(buffer).AsTask().WaitAsync(ProcessText.Timeout);
        Assert.True(resumed > 0);
    }

    [RealCgroupFact(needsFreezer: true)]
    public async Task Killing_a_frozen_helper_reaps_it_and_removes_its_cgroup()
    {
        using var blob = CgroupBlobs.Sleeper();
        var process = HelperLauncher.Launch(blob, LaunchOptions.Default.WithCgroup());
        process.Cgroup!.Freeze();
        process.Kill();
        var exit = await process.Exited.WaitAsync(ProcessText.Timeout);
        await process.DisposeAsync();
        Assert.Equal(SignalNames.SIGKILL, exit.Signal);
        Assert.Equal(0, exit.OomKillCount);
        Assert.All(process.Cgroup.Paths, dir => Assert.False(Directory.Exists(dir), dir));
    }

    [RealCgroupFact]
    public async Task Processes_the_helper_left_in_its_cgroup_are_killed_when_it_is_reaped()
    {
        // The pause lets placement (microseconds after exec) win against the fork for certain.
        using var blob = TestBlobs.Shell("forker", "sleep 0.1; setsid sleep 1000 </dev/null >/dev/null 2>&1 & echo $!");
        var process = HelperLauncher.Launch(blob, LaunchOptions.Default.WithCgroup());
        var (stdout, _, exit) = await ProcessText.RunToEndAsync(process);
        var orphan = int.Parse(stdout.Trim());
        Assert.Equal(0, exit.ExitCode);
        Assert.True(await HostCensus.EventuallyAsync(() => !HostCensus.IsRunning(orphan), ProcessText.Timeout), $"pid {orphan} survived");
        Assert.All(process.Cgroup!.Paths, dir => Assert.False(Directory.Exists(dir), dir));
    }

    [RealCgroupFact]
    public async Task Many_launches_leave_no_helper_cgroups_behind()
    {
        using var blob = TestBlobs.Shell("quick", "echo hi");
        var runs = Enumerable.Range(0, 50).Select(async i =>
        {
            var options = LaunchOptions.Default.WithMemoryLimit((32 + i) * CgroupBlobs.MiB);
            var (stdout, _, exit) = await ProcessText.RunToEndAsync(HelperLauncher.Launch(blob, options));
            Assert.Equal("hi\n", stdout);
            Assert.Equal(0, exit.OomKillCount);
        });
        await Task.WhenAll(runs);
        Assert.Empty(CgroupBlobs.OwnCgroupDirectories());
    }

    [RealCgroupFact]
    public async Task Memory_limit_is_written_to_the_kernel()
    {
        using var blob = CgroupBlobs.Sleeper();
        await using var process = HelperLauncher.Launch(blob, LaunchOptions.Default.WithMemoryLimit(48 * CgroupBlobs.MiB));
        var file = process.Cgroup!.Backend == CgroupBackend.V2 ? "memory.max" : "memory.limit_in_bytes";
        Assert.Equal((48 * CgroupBlobs.MiB).ToString(), File.ReadAllText(Path.Combine(process.Cgroup.Path, file)).Trim());
        Assert.Equal(0, process.Cgroup.ReadOomKillCount());
    }
}
