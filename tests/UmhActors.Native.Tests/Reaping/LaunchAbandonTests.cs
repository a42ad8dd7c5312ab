using UmhActors.Native.Io;
using UmhActors.Native.Launch;
using UmhActors.Native.Tests.Support;
using UmhActors.Tests.Shared;

namespace UmhActors.Native.Tests.Reaping;

/// <summary>A launch that fails after the spawn: the child is killed and reaped, and everything
/// registered for it is released. Counts host fds and children: runs alone.</summary>
[Collection(nameof(LeakTests))]
public sealed class LaunchAbandonTests
{
    [Fact]
    public async Task A_registration_failure_after_the_spawn_kills_and_reaps_the_child_and_closes_its_fds()
    {
        using var blob = TestBlobs.System("sleep");
        var target = ExecTarget.ForMemfd("abandoned-sleep", blob.GetSealedMemfd(), false);
        // A stopped reactor's epoll fd is closed: epoll_ctl fails for real (EBADF) on every registration.
        var reactor = new Reactor("stopped-reactor");
        reactor.Dispose();
        var fdsBefore = HostCensus.OpenFdCount();

        var failure = Assert.Throws<LaunchFailedException>(() =>
            HelperLauncher.Start(target, LaunchOptions.Default.WithArguments("60"), null, reactor));

        Assert.StartsWith("epoll_ctl", failure.Call);
        Assert.Empty(HostCensus.RunningChildrenOfBlob(blob.Name));
        Assert.Equal(0, HostCensus.ZombieChildCount());
        Assert.True(await HostCensus.EventuallyAsync(() => HostCensus.OpenFdCount() <= fdsBefore, TimeSpan.FromSeconds(5)),
            $"fds before {fdsBefore}, after {HostCensus.OpenFdCount()}");
    }
}
