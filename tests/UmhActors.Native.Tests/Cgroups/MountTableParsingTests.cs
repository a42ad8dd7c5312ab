using UmhActors.Native.Cgroups;

namespace UmhActors.Native.Tests.Cgroups;

/// <summary>Finding the host's cgroup directories in /proc/self/cgroup and /proc/self/mountinfo
/// as the kernel writes them: escaped paths, optional fields, bind-mounted subtrees, odd lines.</summary>
public sealed class MountTableParsingTests
{
    [Fact]
    public void Escaped_characters_in_mount_points_and_roots_are_unescaped()
    {
        var mounts = new CgroupMounts("0::/a b/c\n",
            @"41 31 0:38 /a\040b /sys/fs/my\040cgroup\134x rw,relatime - cgroup2 cgroup2 rw" + "\n");

        Assert.Equal(@"/sys/fs/my cgroup\x/c", mounts.FindV2Directory());
    }

    [Fact]
    public void Optional_fields_before_the_separator_are_skipped()
    {
        var mounts = new CgroupMounts("3:cpu,cpuacct:/job\n",
            "30 25 0:26 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid shared:9 master:2 - cgroup cgroup rw,cpu,cpuacct\n");

        Assert.Equal("/sys/fs/cgroup/cpu,cpuacct/job", mounts.FindV1Directory("cpuacct"));
        Assert.Equal("/sys/fs/cgroup/cpu,cpuacct/job", mounts.FindV1Directory("cpu"));
        Assert.Null(mounts.FindV1Directory("cpuset"));
    }

    [Fact]
    public void A_mount_whose_root_does_not_hold_the_path_is_passed_over_for_one_that_does()
    {
        var table =
            "50 40 0:40 /ab /mnt/sibling rw - cgroup2 cgroup2 rw\n" +
            "51 40 0:40 /a/b/c/d /mnt/deeper rw - cgroup2 cgroup2 rw\n" +
            "52 40 0:40 /a /mnt/parent rw - cgroup2 cgroup2 rw\n";

        Assert.Equal("/mnt/parent/b/c", new CgroupMounts("0::/a/b/c\n", table).FindV2Directory());
        Assert.Equal("/mnt/parent", new CgroupMounts("0::/a\n", table).FindV2Directory());
        Assert.Null(new CgroupMounts("0::/z\n", table).FindV2Directory());
        // "/ab/x" is not under "/a", even though the text starts the same.
        Assert.Equal("/mnt/sibling/x", new CgroupMounts("0::/ab/x\n",
            "52 40 0:40 /a /mnt/parent rw - cgroup2 cgroup2 rw\n50 40 0:40 /ab /mnt/sibling rw - cgroup2 cgroup2 rw\n").FindV2Directory());
    }

    [Fact]
    public void A_cgroup_at_the_root_of_the_mount_is_the_mount_point()
    {
        var mounts = new CgroupMounts("0::/\n4:memory:/\n",
            "41 31 0:38 / /sys/fs/cgroup/ rw - cgroup2 cgroup2 rw\n35 31 0:32 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n");

        Assert.Equal("/sys/fs/cgroup/", mounts.FindV2Directory());
        Assert.Equal("/sys/fs/cgroup/memory", mounts.FindV1Directory("memory"));
    }

    [Fact]
    public void Lines_that_are_not_whole_mount_records_are_ignored()
    {
        var table =
            "garbage\n" +
            "1 2 - cgroup2 cgroup2 rw\n" +                         // separator too early
            "41 31 0:38 / /broken rw - cgroup2\n" +               // fields missing after the separator
            "41 31 0:38 / /no-separator rw cgroup2 cgroup2 rw\n" +
            "42 31 0:38 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n";

        Assert.Equal("/sys/fs/cgroup/x", new CgroupMounts("0::/x\n", table).FindV2Directory());
    }

    [Fact]
    public void The_shortest_complete_record_is_read()
    {
        Assert.Equal("/m/x", new CgroupMounts("0::/x\n", "1 2 3 / /m o - cgroup2 s r\n").FindV2Directory());
    }

    [Fact]
    public void Without_the_hierarchy_in_proc_self_cgroup_there_is_no_directory()
    {
        var table = "41 31 0:38 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n35 31 0:32 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n";

        Assert.Null(new CgroupMounts("4:memory:/x\n", table).FindV2Directory());
        Assert.Null(new CgroupMounts("0::/x\n", table).FindV1Directory("memory"));
        Assert.Null(new CgroupMounts("not a cgroup line\n", table).FindV2Directory());
    }

    [Fact]
    public void A_v1_mount_counts_only_for_the_controllers_in_its_super_options()
    {
        var mounts = new CgroupMounts("4:memory:/x\n",
            "35 31 0:32 / /sys/fs/cgroup/memory rw,memory - cgroup cgroup rw,pids\n" +
            "36 31 0:33 / /sys/fs/cgroup/mem rw - cgroup cgroup rw,memory\n");

        Assert.Equal("/sys/fs/cgroup/mem/x", mounts.FindV1Directory("memory"));
    }
}
