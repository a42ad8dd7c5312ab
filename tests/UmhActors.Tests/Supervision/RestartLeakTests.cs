using UmhActors.Failures;
using UmhActors.Helpers;
using UmhActors.Supervision;
using UmhActors.Tests.Shared;
using UmhActors.Tests.Support;
using Xunit.Abstractions;

namespace UmhActors.Tests.Supervision;

/// <summary>Counts this host's fds, so it runs alone.</summary>
[Collection(nameof(RestartLeakTests))]
[CollectionDefinition(nameof(RestartLeakTests), DisableParallelization = true)]
public sealed class RestartLeakTests(ITestOutputHelper output) : HelperSpec(output)
{
    [Fact]
    public async Task Thirty_crash_and_restart_cycles_leave_no_fds_and_no_processes()
    {
        var policy = HelperSupervisionPolicy.Default.WithBackoff(HelperBackoff.None).WithIntensity(new RestartIntensity(1000, TimeSpan.FromMinutes(1)));
        var (helper, firstPid) = await StartHelperAsync(HelperOptions.Default.WithSupervision(policy));
        var client = new HelperClient(helper);
        // One cycle first, so lazily created runtime fds exist before counting.
        await Assert.ThrowsAsync<HelperCrashedException>(() => client.SendAsync(Call("crash")));
        var pids = new List<int> { firstPid, await WaitReadyAsync(helper) };
        var fdsBefore = HostCensus.OpenFdCount();

        for (var i = 0; i < 30; i++)
        {
            await Assert.ThrowsAsync<HelperCrashedException>(() => client.SendAsync(Call("crash")));
            pids.Add(await WaitReadyAsync(helper));
        }

        Assert.Equal(pids.Count, pids.Distinct().Count());
        Assert.True(await HostCensus.EventuallyAsync(() => HostCensus.OpenFdCount() <= fdsBefore, Patience),
            $"fds before {fdsBefore}, after {HostCensus.OpenFdCount()}");
        Assert.Equal([pids[^1]], pids.Where(HostCensus.IsRunning));
        Assert.Equal(0, HostCensus.ZombieChildCount());
    }
}
