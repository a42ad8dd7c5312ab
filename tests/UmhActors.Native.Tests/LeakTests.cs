using UmhActors.Native.Launch;
using UmhActors.Native.Tests.Support;
using UmhActors.Tests.Shared;

namespace UmhActors.Native.Tests;

/// <summary>Launch-heavy tests that count host fds and zombies: run alone, not beside other
/// classes that open fds at the same time.</summary>
[Collection(nameof(LeakTests))]
[CollectionDefinition(nameof(LeakTests), DisableParallelization = true)]
public sealed class LeakTests
{
    [Fact]
    public async Task A_thousand_sequential_launches_leave_no_fds_and_no_zombies()
    {
        using var blob = TestBlobs.System("true");
        // Warm up: the reactor, the memfd and lazily created runtime fds exist before counting.
        await using (var warm = HelperLauncher.Launch(blob)) await warm.Exited.WaitAsync(ProcessText.Timeout);
        var fdsBefore = HostCensus.OpenFdCount();
        var zombiesBefore = HostCensus.ZombieChildCount();

        for (var i = 0; i < 1000; i++)
        {
            await using var process = HelperLauncher.Launch(blob);
            var exit = await process.Exited.WaitAsync(ProcessText.Timeout);
            Assert.True(exit.ExitCode == 0, $"launch {i}: {exit}");
        }

        Assert.True(await HostCensus.EventuallyAsync(() => HostCensus.OpenFdCount() <= fdsBefore, TimeSpan.FromSeconds(5)),
            $"fds before {fdsBefore}, after {HostCensus.OpenFdCount()}");
        Assert.True(HostCensus.ZombieChildCount() <= zombiesBefore, $"zombies before {zombiesBefore}, after {HostCensus.ZombieChildCount()}");
    }

    [Fact]
    public async Task Eight_threads_launching_concurrently_all_succeed()
    {
        using var blob = TestBlobs.System("cat");
        blob.GetSealedMemfd();
        var fdsBefore = HostCensus.OpenFdCount();
        var workers = Enumerable.Range(0, 8).Select(t => Task.Run(async () =>
        {
            for (var i = 0; i < 50; i++)
            {
                var message = $"thread {t} launch {i}\n";
                var (stdout, _, exit) = await ProcessText.RunToEndAsync(HelperLauncher.Launch(blob), message);
                Assert.Equal(message, stdout);
                Assert.Equal(0, exit.ExitCode);
            }
        }));
        await Task.WhenAll(workers).WaitAsync(TimeSpan.FromSeconds(60));
        Assert.True(await HostCensus.EventuallyAsync(() => HostCensus.OpenFdCount() <= fdsBefore, TimeSpan.FromSeconds(5)),
            $"fds before {fdsBefore}, after {HostCensus.OpenFdCount()}");
        Assert.Equal(0, HostCensus.ZombieChildCount());
    }
}
