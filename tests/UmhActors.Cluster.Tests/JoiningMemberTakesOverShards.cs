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

        var summary = string.Join(", ", outcomes.Select(o => $"{o.Key} {o.Value}"));
        Assert.True(outcomes.GetValueOrDefault(EchoOutcome.Wrong) == 0, $"wrong answers: {summary}");
        // Akka's sharding delivers at most once: a request already on its way to a shard that is
        // being handed off can be dropped (seen twice in about twenty runs: one request in ~10,000).
        // Allow that and no more (one in a thousand); every entity answers afterwards (below). A
        // retrying client for idempotent requests is open work (docs/cluster.md).
        var sent = outcomes.Values.Sum();
        Assert.True(outcomes.GetValueOrDefault(EchoOutcome.Lost) * 1000 <= sent, $"requests lost: {summary}: {string.Join("; ", load.Lost)}");
        Assert.True(outcomes.GetValueOrDefault(EchoOutcome.Correct) > 0);
        await Task.WhenAll(ids.Select((id, i) => Echo.AssertEchoAsync(caller.Region, id, i)));
        Assert.NotEmpty(await joiner.EntityIdsAsync());

        await cluster.StopAndAssertNoHelperLeftAsync();
    }
}
