using UmhActors.Cluster.Sharding;
using UmhActors.Cluster.Tests.Support;
using UmhActors.ClusterTesting;
using UmhActors.Tests.Shared;

namespace UmhActors.Cluster.Tests;

public sealed class RememberedEntitiesRestartOnTheirNewMember
{
    [Fact]
    public async Task With_remember_entities_the_entities_of_a_member_that_left_restart_on_the_survivors_without_a_request()
    {
        var sharding = ShardedHelperOptions.Default.WithNumberOfShards(ClusterTestNode.Shards).WithRememberEntities(true);
        await using var cluster = await TestCluster.StartAsync(3, sharding: sharding);
        var (caller, leaver) = (cluster.Nodes[0], cluster.Nodes[2]);
        var ids = Enumerable.Range(0, 60).Select(i => $"remembered-{i}").ToArray();
        await Task.WhenAll(ids.Select((id, i) => Echo.AssertEchoAsync(caller.Region, id, i)));
        var moved = await leaver.EntityIdsAsync();
        Assert.NotEmpty(moved);

        leaver.Cluster.Leave(leaver.Address);
        await leaver.System.WhenTerminated.WaitAsync(TimeSpan.FromSeconds(30));

        // No request is sent: the survivors start the remembered entities (and their helpers) themselves.
        Assert.True(await HostCensus.EventuallyAsync(() =>
        {
            var running = cluster.Live.SelectMany(n => n.EntityIdsAsync().GetAwaiter().GetResult()).ToHashSet();
            return running.SetEquals(ids);
        }, TimeSpan.FromSeconds(30)), "the remembered entities did not all restart on the survivors");
        Assert.True(await HostCensus.EventuallyAsync(() => HostCensus.RunningChildrenOfBlob("testhelper").Count == ids.Length, TimeSpan.FromSeconds(15)),
            $"{HostCensus.RunningChildrenOfBlob("testhelper").Count} helpers run, expected {ids.Length}");

        await cluster.StopAndAssertNoHelperLeftAsync();
    }
}
