using UmhActors.Native.Cgroups;
using UmhActors.Native.Launch;
using UmhActors.Native.Tests.Support;

namespace UmhActors.Native.Tests.Cgroups;

/// <summary>Detection over given mount tables, and the launch policy where cgroups cannot be used.</summary>
public sealed class CgroupUnavailableTests
{
    private const string HybridCgroups = "4:memory:/process_api/abc\n6:freezer:/\n0::/\n";
    private const string HybridMounts =
        "35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n" +
        "37 31 0:34 / /sys/fs/cgroup/freezer rw,relatime - cgroup cgroup rw,freezer\n" +
        "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n";

    [Fact]
    public void Host_directories_come_from_proc_self_cgroup_and_the_mount_table()
    {
        var mounts = new CgroupMounts(HybridCgroups, HybridMounts);
        Assert.Equal("/sys/fs/cgroup/memory/process_api/abc", mounts.FindV1Directory("memory"));
        Assert.Equal("/sys/fs/cgroup/freezer", mounts.FindV1Directory("freezer"));
        Assert.Equal("/sys/fs/cgroup/unified", mounts.FindV2Directory());
        Assert.Null(mounts.FindV1Directory("pids"));
    }

    [Fact]
    public void A_container_mount_showing_only_its_own_subtree_resolves_below_its_root()
    {
        var mounts = new CgroupMounts("0::/kubepods/pod1/ctr\n",
            "50 40 0:40 /kubepods/pod1 /sys/fs/cgroup rw,nosuid - cgroup2 cgroup2 rw\n");
        Assert.Equal("/sys/fs/cgroup/ctr", mounts.FindV2Directory());
    }

    [Fact]
    public void Without_any_cgroup_mount_detection_says_why_for_both_back_ends()
    {
        var availability = CgroupSupport.Detect(new CgroupMounts(HybridCgroups, ""));
        Assert.False(availability.IsAvailable);
        Assert.Null(availability.Backend);
        Assert.Contains("cgroup v2", availability.Reason);
        Assert.Contains("cgroup v1: no memory hierarchy", availability.Reason);
    }

    [Fact]
    public void A_memory_limit_without_cgroups_fails_the_launch_with_the_reason()
    {
        var options = LaunchOptions.Default.WithMemoryLimit(64 * CgroupBlobs.MiB);
        var error = Assert.Throws<CgroupUnavailableException>(() =>
            HelperLauncher.Start(ExecTarget.ForPath("/bin/true"), options, CgroupAvailability.Unavailable("not delegated")));
        Assert.Equal("not delegated", error.Reason);
        Assert.Equal("/bin/true", error.HelperName);
    }

    [Fact]
    public async Task A_memory_limit_marked_ignorable_runs_the_helper_without_a_cgroup()
    {
        var options = LaunchOptions.Default.WithMemoryLimit(64 * CgroupBlobs.MiB, ignoreIfUnavailable: true);
        var process = HelperLauncher.Start(ExecTarget.ForPath("/bin/true"), options, CgroupAvailability.Unavailable("not delegated"));
        Assert.Null(process.Cgroup);
        var (_, _, exit) = await ProcessText.RunToEndAsync(process);
        Assert.Equal(0, exit.ExitCode);
        Assert.Null(exit.OomKillCount);
    }

    [Fact]
    public void Memory_limits_must_be_positive_and_dropping_the_cgroup_drops_the_limit()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => LaunchOptions.Default.WithMemoryLimit(0));
        var limited = LaunchOptions.Default.WithMemoryLimit(1024);
        Assert.True(limited.UseCgroup);
        var plain = limited.WithCgroup(false);
        Assert.False(plain.UseCgroup);
        Assert.Null(plain.MemoryLimitBytes);
    }
}
