using System.Diagnostics;
using UmhActors.Cluster.Sharding;
using UmhActors.Cluster.Tests.Support;
using UmhActors.ClusterTesting;
using UmhActors.Requests;

namespace UmhActors.Cluster.Tests;

/// <summary>Cancelling a <see cref="ShardedHelperClient"/> call cancels it at its entity, across
/// members: the entity frees the request's slot and the helper is sent <c>$/cancel</c>.</summary>
public sealed class CancelledShardedCallsStopAtTheEntity
{
    private static readonly TimeSpan Sleep = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Cancelling_the_token_of_a_call_to_an_entity_on_another_member_frees_its_slot_there()
    {
        // One slot per entity: a request left running would hold it for the whole sleep.
        var options = ClusterTestNode.DefaultOptions.WithBounds(maxInFlight: 1, maxQueued: 10);
        await using var cluster = await TestCluster.StartAsync(2, options);
        var (caller, host) = (cluster.Nodes[0], cluster.Nodes[1]);
        var entity = await EntityOnAsync(caller, host);
        var client = new ShardedHelperClient(caller.Region);

        using var cts = new CancellationTokenSource();
        var slow = client.SendAsync(entity, HelperRequest.Create("sleep", new[] { (int)Sleep.TotalMilliseconds }) with { Timeout = Sleep }, cts.Token);
        await Task.Delay(200);
        Assert.False(slow.IsCompleted, $"the sleep ended early: {slow.Status}");
        cts.Cancel();

        // The caller is let go at once…
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => slow.WaitAsync(TimeSpan.FromSeconds(2)));
        // …and the entity's only slot is free long before the cancelled sleep would have ended.
        var clock = Stopwatch.StartNew();
        var sum = await client.CallAsync<int[], int>(entity, "add", [2, 3]).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(5, sum);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"the next request waited {clock.Elapsed}");
        Assert.Contains(entity, await host.EntityIdsAsync());

        await cluster.StopAndAssertNoHelperLeftAsync();
    }

    [Fact]
    public async Task A_call_whose_client_deadline_passes_first_is_cancelled_at_its_entity()
    {
        // The request has no timeout of its own, so the entity would run it to its RequestTimeout (a
        // minute here) while the client gives up after 300 ms.
        var options = ClusterTestNode.DefaultOptions.WithBounds(maxInFlight: 1, maxQueued: 10).WithRequestTimeout(TimeSpan.FromMinutes(1));
        await using var cluster = await TestCluster.StartAsync(1, options);
        var node = cluster.Nodes[0];
        await Echo.AssertEchoAsync(node.Region, "deadline-1", 1);
        var client = new ShardedHelperClient(node.Region, askTimeout: TimeSpan.FromMilliseconds(300));

        await Assert.ThrowsAsync<Akka.Actor.AskTimeoutException>(() =>
            client.SendAsync("deadline-1", HelperRequest.Create("sleep", new[] { (int)Sleep.TotalMilliseconds })).WaitAsync(TimeSpan.FromSeconds(5)));

        // The entity's only slot is free long before the abandoned sleep would have ended.
        var patient = new ShardedHelperClient(node.Region);
        var sum = await patient.CallAsync<int[], int>("deadline-1", "add", [2, 3]).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(5, sum);

        await cluster.StopAndAssertNoHelperLeftAsync();
    }

    // Starts entities from the caller until one lands on the other member (the ids hash over both).
    private static async Task<string> EntityOnAsync(TestNode caller, TestNode host)
    {
        for (var i = 0; i < 40; i++)
        {
            var id = $"cancel-{i}";
            await Echo.AssertEchoAsync(caller.Region, id, i);
            if ((await host.EntityIdsAsync()).Contains(id)) return id;
        }
        throw new Xunit.Sdk.XunitException("no entity landed on the other member in 40 tries");
    }
}
