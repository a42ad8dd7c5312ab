using UmhActors.Native.Tests.Support;

namespace UmhActors.Native.Tests.FdLimits;

/// <summary>The fd reserve check's preparation (a directory fd on /proc/self/fd and a buffer), which
/// each launch retries while it could not open the directory for want of fds.</summary>
public sealed class FdCountPreparationTests
{
    [Fact]
    public async Task Preparing_the_fd_count_while_no_fd_is_free_leaks_nothing_and_works_once_fds_are_free()
    {
        // 2,000 retries with no fd free; a 64 KiB buffer lost per retry would be 125 MiB.
        var host = await FaultHost.RunAsync(256, TimeSpan.FromSeconds(60), "headroom-prepare-emfile");
        Assert.True(host.ExitCode == 0, $"host exited {host.ExitCode}: {host.Errors}");
        Assert.True(long.Parse(host["vmdata-growth-kib"]) < 16 * 1024, $"data segment grew {host["vmdata-growth-kib"]} KiB");
        Assert.Equal("yes", host["counts-after"]);
    }
}
