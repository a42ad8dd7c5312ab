using UmhActors.Native.Cgroups;

namespace UmhActors.Native.Tests.Cgroups;

/// <summary>A helper cgroup whose removal failed is not forgotten: it stays pending and is removed
/// again before the next helper cgroup is created (and at exit). Runs on a mimicked v2 root, where
/// a leftover subdirectory makes rmdir fail for real (ENOTEMPTY).</summary>
public sealed class CgroupRemovalRetryTests : IDisposable
{
    private readonly MimicCgroupRoot _root = new();

    public void Dispose() => _root.Dispose();

    [Fact]
    public void A_cgroup_whose_removal_failed_is_removed_before_the_next_one_is_created()
    {
        var availability = _root.Probe();
        var first = HelperCgroup.Create(availability, "retry-first", null);
        var blocker = Directory.CreateDirectory(Path.Combine(first.Path, "blocker"));

        Assert.Throws<CgroupException>(first.Remove);
        Assert.NotNull(first.RemovalError);
        Assert.False(first.IsRemoved);
        Assert.True(Directory.Exists(first.Path));

        // Whatever blocked it is gone now; the next creation retries.
        blocker.Delete();
        var second = HelperCgroup.Create(availability, "retry-second", null);

        Assert.True(first.IsRemoved);
        Assert.Null(first.RemovalError);
        Assert.False(Directory.Exists(first.Path));
        second.Remove();
        Assert.False(Directory.Exists(second.Path));
    }
}
