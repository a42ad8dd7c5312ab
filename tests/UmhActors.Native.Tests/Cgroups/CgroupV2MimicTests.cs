using UmhActors.Native.Cgroups;
using UmhActors.Native.Launch;
using UmhActors.Native.Tests.Support;

namespace UmhActors.Native.Tests.Cgroups;

/// <summary>The cgroup v2 back end against a directory that mimics cgroupfs (see
/// <see cref="MimicCgroupRoot"/>): file names, contents and ordering, not kernel enforcement.</summary>
public sealed class CgroupV2MimicTests : IDisposable
{
    private readonly MimicCgroupRoot _root = new();

    public void Dispose() => _root.Dispose();

    [Fact]
    public void Detection_enables_the_memory_controller_for_child_cgroups()
    {
        var availability = _root.Probe();
        Assert.Equal(CgroupBackend.V2, availability.Backend);
        Assert.Equal([_root.Directory], availability.HostDirectories);
        Assert.Equal("+memory", File.ReadAllText(Path.Combine(_root.Directory, "cgroup.subtree_control")));
    }

    [Fact]
    public void Detection_explains_a_missing_memory_controller()
    {
        using var root = new MimicCgroupRoot(controllers: "cpu pids");
        var availability = root.Probe();
        Assert.False(availability.IsAvailable);
        Assert.Contains("memory controller is not available", availability.Reason);
        Assert.Contains("cpu pids", availability.Reason);
    }

    [Fact]
    public async Task Launch_with_a_limit_writes_memory_max_without_swap_places_the_helper_and_reports_oom_kills()
    {
        var options = LaunchOptions.Default.WithArguments("-c", "read _ignored").WithMemoryLimit(64 * CgroupBlobs.MiB);
        var process = HelperLauncher.Start(ExecTarget.ForPath("/bin/sh"), options, _root.Probe());
        var cgroup = process.Cgroup!;
        Assert.Equal(CgroupBackend.V2, cgroup.Backend);
        Assert.StartsWith(Path.Combine(_root.Directory, $"umh-{Environment.ProcessId}-"), cgroup.Path);
        Assert.Equal("67108864\n", File.ReadAllText(Path.Combine(cgroup.Path, "memory.max")));
        Assert.Equal("0\n", File.ReadAllText(Path.Combine(cgroup.Path, "memory.swap.max")));
        Assert.Equal($"{process.Pid}\n", File.ReadAllText(Path.Combine(cgroup.Path, "cgroup.procs")));

        MimicCgroupRoot.ReportOomKills(cgroup.Path, 3);
        Assert.Equal(3, cgroup.ReadOomKillCount());
        var (_, _, exit) = await ProcessText.RunToEndAsync(process);

        Assert.Equal(3, exit.OomKillCount);
        Assert.False(exit.OomKilled); // it exited; a count alone is no OOM kill of the helper
        Assert.False(Directory.Exists(cgroup.Path));
        Assert.Equal(3, cgroup.ReadOomKillCount());
    }

    [Fact]
    public async Task Freeze_returns_once_the_kernel_reports_frozen_and_thaw_once_it_reports_thawed()
    {
        var cgroup = HelperCgroup.Create(_root.Probe(), "freezable", memoryLimitBytes: null);
        Assert.True(cgroup.CanFreeze);

        var frozen = PlayKernel(cgroup.Path, frozen: true);
        cgroup.Freeze(TimeSpan.FromSeconds(10));
        Assert.True(frozen.Reported, "Freeze returned before the kernel reported the cgroup frozen");
        await frozen.Done.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(cgroup.IsFrozen);

        var thawed = PlayKernel(cgroup.Path, frozen: false);
        cgroup.Thaw(TimeSpan.FromSeconds(10));
        Assert.True(thawed.Reported, "Thaw returned before the kernel reported the cgroup thawed");
        await thawed.Done.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("0\n", File.ReadAllText(Path.Combine(cgroup.Path, "cgroup.freeze")));
        Assert.False(cgroup.IsFrozen);
        cgroup.Remove();
        Assert.False(Directory.Exists(cgroup.Path));
        Assert.Throws<ObjectDisposedException>(() => cgroup.Freeze());
    }

    /// <summary>Plays the kernel: once the library asked for the state, takes a while to reach it,
    /// then reports it in cgroup.events (Reported is set just before the report is written).</summary>
    private static KernelReport PlayKernel(string cgroupPath, bool frozen)
    {
        var report = new KernelReport();
        report.Done = Task.Run(async () =>
        {
            var requested = frozen ? "1\n" : "0\n";
            while (File.ReadAllText(Path.Combine(cgroupPath, "cgroup.freeze")) != requested) await Task.Delay(5);
            await Task.Delay(100);
            report.Reported = true;
            MimicCgroupRoot.ReportFrozen(cgroupPath, frozen);
        });
        return report;
    }

    private sealed class KernelReport
    {
        private volatile bool _reported;

        public bool Reported
        {
            get => _reported;
            set => _reported = value;
        }

        public Task Done { get; set; } = Task.CompletedTask;
    }

    [Fact]
    public void Freeze_the_kernel_never_completes_fails_naming_the_cgroup()
    {
        var cgroup = HelperCgroup.Create(_root.Probe(), "stuck", memoryLimitBytes: null);
        var error = Assert.Throws<CgroupException>(() => cgroup.Freeze(TimeSpan.FromMilliseconds(100)));
        Assert.Equal("freeze", error.Operation);
        Assert.Equal(cgroup.Path, error.Path);
        cgroup.Remove();
    }
}
