using UmhActors.Cluster.Tests.Support;

namespace UmhActors.Cluster.Tests;

public sealed class ShardedHelpersSpreadOverTheCluster
{
    [Fact]
    public async Task Requests_for_300_entities_land_on_all_three_members_and_every_answer_is_correct()
    {
        await using var cluster = await TestCluster.StartAsync(3);
        var ids = Enumerable.Range(0, 300).Select(i => $"entity-{i}").ToArray();
        var sender = cluster.Nodes[0];

        await Task.WhenAll(ids.Select((id, i) => Echo.AssertEchoAsync(sender.Region, id, i)));

        var byNode = await cluster.EntitiesByNodeAsync();
        Assert.All(byNode.Values, entities => Assert.NotEmpty(entities));
        Assert.Equal(ids.Order(), byNode.Values.SelectMany(e => e).Order());
        // One helper process per entity, all of them children of this host.
        Assert.Equal(300, UmhActors.Tests.Shared.HostCensus.RunningChildrenOfBlob("testhelper").Count);

        await cluster.StopAndAssertNoHelperLeftAsync();
    }
}
