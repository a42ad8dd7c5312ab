using UmhActors.Native.Memory;
using UmhActors.Native.Tests.Support;

namespace UmhActors.Native.Tests.Memory;

/// <summary>
/// The ActorSystem extension's start fixes glibc's mmap threshold (<see cref="NativeMmapThreshold"/>),
/// so the JIT's temporary buffers (tens of KiB) get pages of their own instead of leaving holes in
/// up to 16 arenas: without it the 10-minute chaos run's RSS grew 15 %. Each case runs a host of its
/// own (<c>UmhActors.NativeFaultHost mmap-threshold</c>): the threshold is process-wide.
/// </summary>
public sealed class ExtensionStartFixesMmapThresholdTests
{
    private static readonly TimeSpan HostTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task After_the_extension_starts_blocks_of_48_KiB_get_pages_of_their_own()
    {
        var host = await FaultHost.RunAsync(4096, HostTimeout, "mmap-threshold");

        Assert.True(host.ExitCode == 0, $"host exit {host.ExitCode}: {host.Output} {host.Errors}");
        Assert.Equal("Set", host["outcome"]);
        // glibc still serves a block from room left at the top of the thread's arena (14 of 16 here);
        // with its default threshold (128 KiB, rising) none of them gets pages of its own.
        Assert.True(int.Parse(host["mmapped"]) >= 8, $"only {host["mmapped"]} of 16 blocks of 48 KiB were mmapped");
    }

    [Fact]
    public async Task A_host_that_sets_MALLOC_MMAP_THRESHOLD_keeps_its_own()
    {
        var own = new Dictionary<string, string> { ["MALLOC_MMAP_THRESHOLD_"] = "1048576" };
        var host = await FaultHost.RunAsync(4096, HostTimeout, own, "mmap-threshold");

        Assert.True(host.ExitCode == 0, $"host exit {host.ExitCode}: {host.Output} {host.Errors}");
        Assert.Equal("HostChose", host["outcome"]);
        Assert.Equal("0", host["mmapped"]);
    }

    [Fact]
    public void A_threshold_the_host_set_in_GLIBC_TUNABLES_is_left_alone()
    {
        var outcome = NativeMmapThreshold.ApplyWith(name => name == "GLIBC_TUNABLES" ? "glibc.malloc.check=0:glibc.malloc.mmap_threshold=65536" : null);

        Assert.Equal(MallocTuningOutcomeKind.HostChose, outcome.Kind);
    }
}
