using UmhActors.Cluster.Tests.Support;
using UmhActors.Tests.Shared;

namespace UmhActors.Cluster.Tests;

public sealed class JoiningMemberTakesOverShards
{
    [Fact]
    public async Task A_fourth_member_that_joins_receives_shards_and_no_request_is_lost()
    {
        await using var cluster = await TestCluster.StartAsync(3);
        var caller = cluster.Nodes[0];
        var ids = Enumerable.Range(0, 150).Select(i => $"join-{i}").ToArray();
        await Task.WhenAll(ids.Select((id, i) => Echo.AssertEchoAsync(caller.Region, id, i)));

        using var load = new RequestLoad(caller.Region, ids, TimeSpan.FromSeconds(20));
        await load.AwaitRequestsAsync(50);
        var joiner = await cluster.AddNodeAsync(["helpers"]);
        Assert.True(await HostCensus.EventuallyAsync(() => joiner.ShardIdsAsync().GetAwaiter().GetResult().Count > 0, TimeSpan.FromSeconds(30)),
            "no shard moved to the new member");
        await load.AwaitRequestsAsync(load.Sent + 100);
        var outcomes = await load.StopAsync();

        var summary = load.Describe(outcomes);
        Assert.True(outcomes.GetValueOrDefault(EchoOutcome.Wrong) == 0, $"wrong answers: {summary}");
        // A request a shard region drops in a hand-off is answered as undelivered at once and the
        // client retries it at the new owner: none may end without an answer.
        Assert.True(outcomes.GetValueOrDefault(EchoOutcome.Lost) == 0, $"requests lost: {summary}: {string.Join("; ", load.Lost)}");
        Assert.True(outcomes.GetValueOrDefault(EchoOutcome.Correct) > 0);
        await Task.WhenAll(ids.Select((id, i) => Echo.AssertEchoAsync(caller.Region, id, i)));
        Assert.NotEmpty(await joiner.EntityIdsAsync());

        await cluster.StopAndAssertNoHelperLeftAsync();
    }
}
