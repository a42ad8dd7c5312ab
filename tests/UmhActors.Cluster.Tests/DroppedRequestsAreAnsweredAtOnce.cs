using System.Diagnostics;
using Akka.Actor;
using UmhActors.Cluster.Sharding;
using UmhActors.Cluster.Tests.Support;
using UmhActors.ClusterTesting;
using UmhActors.Requests;

namespace UmhActors.Cluster.Tests;

/// <summary>A request Akka's sharding drops reaches its caller as
/// <see cref="HelperRequestUndeliveredException"/> at once, from whichever member dropped it, instead
/// of an Ask timeout.</summary>
public sealed class DroppedRequestsAreAnsweredAtOnce
{
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task A_request_a_shard_on_another_member_drops_is_answered_to_the_caller_as_undelivered_at_once()
    {
        await using var cluster = await TestCluster.StartAsync(2);
        // Akka's Shard drops a message without an entity id ("No recipient entity id") and reports it
        // with its sender, as the regions report the requests they drop when a shard is handed off.
        var blank = new ShardedHelperRequest("", HelperRequest.Create("echo", new[] { "blank" }));
        await AssertUndeliveredAtOnceAsync(cluster.Nodes[0].Region, blank);
        var shard = new ShardedHelperMessageExtractor(ClusterTestNode.Shards).ShardId(blank.EntityId, blank);
        var host = (await Task.WhenAll(cluster.Nodes.Select(async n => (Node: n, Shards: await n.ShardIdsAsync()))))
            .Single(n => n.Shards.Contains(shard)).Node;

        foreach (var caller in cluster.Nodes.Where(n => n != host))
            await AssertUndeliveredAtOnceAsync(caller.Region, blank);

        await cluster.StopAndAssertNoHelperLeftAsync();
    }

    [Fact]
    public async Task A_bare_request_sent_to_the_region_is_answered_as_undelivered_at_once()
    {
        await using var cluster = await TestCluster.StartAsync(1);

        // Without the envelope the region knows no entity for it and does not handle it.
        await AssertUndeliveredAtOnceAsync(cluster.Nodes[0].Region, HelperRequest.Create("echo", new[] { "bare" }));

        await cluster.StopAndAssertNoHelperLeftAsync();
    }

    [Fact]
    public async Task A_request_to_a_member_that_cannot_be_reached_is_answered_as_undelivered_at_once()
    {
        await using var cluster = await TestCluster.StartAsync(1);
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var closedPort = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        // Akka.Remote cannot connect, so it drops the request it had buffered for that member (its
        // own envelope, dead-lettered on the caller's member).
        var system = (ExtendedActorSystem)cluster.Nodes[0].System;
        var nowhere = system.Provider.ResolveActorRef($"akka.tcp://{ClusterTestNode.SystemName}@127.0.0.1:{closedPort}/user/helper");
        var clock = Stopwatch.StartNew();
        var undelivered = await Assert.ThrowsAsync<HelperRequestUndeliveredException>(() =>
            nowhere.Ask<HelperResponse>(HelperRequest.Create("echo", new[] { "far" }), AskTimeout));
        Assert.True(clock.Elapsed < AskTimeout / 4, $"the answer took {clock.Elapsed}");
        Assert.Equal("echo", undelivered.Method);

        await cluster.StopAndAssertNoHelperLeftAsync();
    }

    private static async Task AssertUndeliveredAtOnceAsync(IActorRef region, object request)
    {
        var clock = Stopwatch.StartNew();
        var undelivered = await Assert.ThrowsAsync<HelperRequestUndeliveredException>(() => region.Ask<HelperResponse>(request, AskTimeout));
        Assert.True(clock.Elapsed < AskTimeout / 4, $"the answer took {clock.Elapsed}");
        Assert.Equal("echo", undelivered.Method);
    }
}
