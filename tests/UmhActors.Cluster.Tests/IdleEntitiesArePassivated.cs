using UmhActors.Cluster.Tests.Support;
using UmhActors.ClusterTesting;
using UmhActors.Tests.Shared;

namespace UmhActors.Cluster.Tests;

public sealed class IdleEntitiesArePassivated
{
    [Fact]
    public async Task An_idle_entity_stops_its_helper_after_the_idle_timeout_and_the_next_request_starts_a_new_one()
    {
        await using var cluster = await TestCluster.StartAsync(1, ClusterTestNode.DefaultOptions.WithIdleTimeout(TimeSpan.FromSeconds(1)));
        var node = cluster.Nodes[0];
        var pid = await Echo.PidAsync(node.Region, "idle-1");
        Assert.Contains("idle-1", await node.EntityIdsAsync());

        Assert.True(await HostCensus.EventuallyAsync(() => !HostCensus.IsRunning(pid), TimeSpan.FromSeconds(15)), "the idle helper was not stopped");
        Assert.DoesNotContain("idle-1", await node.EntityIdsAsync());

        var next = await Echo.PidAsync(node.Region, "idle-1");
        Assert.NotEqual(pid, next);
        Assert.True(HostCensus.IsRunning(next));

        await cluster.StopAndAssertNoHelperLeftAsync();
    }

    [Fact]
    public async Task A_busy_entity_is_not_passivated()
    {
        await using var cluster = await TestCluster.StartAsync(1, ClusterTestNode.DefaultOptions.WithIdleTimeout(TimeSpan.FromSeconds(1)));
        var node = cluster.Nodes[0];
        var pid = await Echo.PidAsync(node.Region, "busy-1");

        // Requests every 200 ms for three idle timeouts: the same helper answers all of them.
        for (var i = 0; i < 15; i++)
        {
            Assert.Equal(pid, await Echo.PidAsync(node.Region, "busy-1"));
            await Task.Delay(200);
        }

        await cluster.StopAndAssertNoHelperLeftAsync();
    }
}
