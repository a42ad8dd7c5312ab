using System.Diagnostics;
using Akka.Actor;
using UmhActors.Cluster.Sharding;
using UmhActors.Cluster.Tests.Support;
using UmhActors.ClusterTesting;
using UmhActors.Requests;
using UmhActors.Tests.Shared;

namespace UmhActors.Cluster.Tests;

/// <summary><see cref="ShardedHelperClient"/> sends an undelivered request again while its deadline
/// allows, and no attempt is left to an Ask timeout.</summary>
public sealed class ShardedHelperClientRetriesUndeliveredRequests
{
    [Fact]
    public async Task A_request_that_is_never_delivered_is_retried_until_its_deadline_and_then_fails_as_undelivered()
    {
        await using var cluster = await TestCluster.StartAsync(1);
        var closedPort = FreePort();
        // A region on a member nobody can reach: Akka.Remote fails the first attempts while it tries
        // to connect and drops the later ones at its closed gate; every one is undelivered.
        var system = (ExtendedActorSystem)cluster.Nodes[0].System;
        var unreachable = system.Provider.ResolveActorRef($"akka.tcp://{ClusterTestNode.SystemName}@127.0.0.1:{closedPort}/system/sharding/echo");
        var client = new ShardedHelperClient(unreachable);
        var deadline = TimeSpan.FromSeconds(2);

        var clock = Stopwatch.StartNew();
        var undelivered = await Assert.ThrowsAsync<HelperRequestUndeliveredException>(() =>
            client.SendAsync("far", HelperRequest.Create("echo", new[] { "far" }, timeout: deadline)));

        Assert.Equal("echo", undelivered.Method);
        Assert.True(client.Retries >= 3, $"only {client.Retries} retries");
        // Within the deadline (a retry needs time left), not after an Ask's 5 s grace.
        Assert.True(clock.Elapsed < deadline + TimeSpan.FromSeconds(2), $"gave up after {clock.Elapsed}");

        await cluster.StopAndAssertNoHelperLeftAsync();
    }

    [Fact]
    public async Task A_request_for_a_member_that_comes_up_later_is_answered_by_it_once_a_retry_gets_through()
    {
        await using var cluster = await TestCluster.StartAsync(1);
        var port = FreePort();
        var system = (ExtendedActorSystem)cluster.Nodes[0].System;
        // The region of a member that is not running yet: the first attempts are undelivered.
        var region = system.Provider.ResolveActorRef($"akka.tcp://{ClusterTestNode.SystemName}@127.0.0.1:{port}/system/sharding/{ClusterTestNode.TypeName}");
        var client = new ShardedHelperClient(region);

        var answer = client.SendAsync("later", HelperRequest.Create("echo", new[] { "later" }, timeout: TimeSpan.FromSeconds(20)));
        Assert.True(await HostCensus.EventuallyAsync(() => client.Retries > 0 || answer.IsCompleted, TimeSpan.FromSeconds(10)), "no retry");
        Assert.False(answer.IsCompleted, $"ended before the member came up: {answer.Exception?.InnerException}");
        await cluster.AddNodeAsync(["helpers"], port: port);

        Assert.Equal(new[] { "later" }, (await answer).GetResult<string[]>());
        Assert.True(client.Retries > 0);

        await cluster.StopAndAssertNoHelperLeftAsync();
    }

    private static int FreePort()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
