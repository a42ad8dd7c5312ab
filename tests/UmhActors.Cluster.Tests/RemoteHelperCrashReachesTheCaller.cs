using Akka.Actor;
using UmhActors.Cluster.Sharding;
using UmhActors.Cluster.Tests.Support;
using UmhActors.Failures;
using UmhActors.Requests;
using UmhActors.Tests.Shared;

namespace UmhActors.Cluster.Tests;

public sealed class RemoteHelperCrashReachesTheCaller
{
    [Fact]
    public async Task A_crash_on_another_member_reaches_the_caller_as_HelperCrashedException_and_the_entity_restarts_there()
    {
        await using var cluster = await TestCluster.StartAsync(3);
        var (caller, host) = (cluster.Nodes[0], cluster.Nodes[1]);
        var ids = Enumerable.Range(0, 60).Select(i => $"crash-{i}").ToArray();
        await Task.WhenAll(ids.Select((id, i) => Echo.AssertEchoAsync(caller.Region, id, i)));
        var entity = (await host.EntityIdsAsync()).First();
        var pid = await Echo.PidAsync(caller.Region, entity);

        var crash = await Assert.ThrowsAsync<HelperCrashedException>(() =>
            caller.Region.Ask<HelperResponse>(new ShardedHelperRequest(entity, HelperRequest.WithoutParams("crash")), TimeSpan.FromSeconds(15)));

        Assert.Equal(HelperFailureKind.Crashed, crash.Kind);
        Assert.Equal(11, crash.Signal);
        Assert.Equal("SIGSEGV", crash.SignalName);
        Assert.Equal(pid, crash.Pid);
        Assert.Equal(pid, crash.Exit!.Pid);
        Assert.Equal("testhelper", crash.HelperName);
        Assert.False(HostCensus.IsRunning(pid));
        // The policy table restarts a crash with backoff, on the member that hosts the entity.
        int restarted = 0;
        Assert.True(await HostCensus.EventuallyAsync(() =>
        {
            try
            {
                restarted = Echo.PidAsync(caller.Region, entity, TimeSpan.FromSeconds(2)).GetAwaiter().GetResult();
                return restarted != pid;
            }
            catch (Exception e) when (e is HelperStoppedException or HelperFailureException or AskTimeoutException)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(15)), "the entity did not come back with a new helper");
        Assert.Contains(entity, await host.EntityIdsAsync());
        Assert.True(HostCensus.IsRunning(restarted));

        await cluster.StopAndAssertNoHelperLeftAsync();
    }
}
