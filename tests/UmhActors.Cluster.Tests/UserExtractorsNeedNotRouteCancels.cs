using System.Diagnostics;
using Akka.Cluster.Sharding;
using UmhActors.Cluster.Sharding;
using UmhActors.Cluster.Tests.Support;
using UmhActors.ClusterTesting;
using UmhActors.Helpers;
using UmhActors.Requests;

namespace UmhActors.Cluster.Tests;

/// <summary>A message extractor of the user's that routes <see cref="ShardedHelperRequest"/> but knows
/// nothing of <see cref="ShardedHelperCancel"/> still gets cancels to the entity its requests went to.</summary>
public sealed class UserExtractorsNeedNotRouteCancels
{
    /// <summary>Maps each client id to an entity id of its own naming, and ignores cancels.</summary>
    private sealed class TenantExtractor() : HashCodeMessageExtractor(10)
    {
        public override string? EntityId(object message) => message is ShardedHelperRequest request ? "tenant-" + request.EntityId : null;

        public override object EntityMessage(object message) => message is ShardedHelperRequest request ? request.Request : message;
    }

    /// <summary>Routes cancels its own way: to the same entity, as a status query instead of a cancel.</summary>
    private sealed class OwnCancelExtractor() : HashCodeMessageExtractor(10)
    {
        public TaskCompletionSource CancelUnwrapped { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override string? EntityId(object message) => message switch
        {
            ShardedHelperRequest request => request.EntityId,
            ShardedHelperCancel cancel => cancel.EntityId,
            _ => null,
        };

        public override object EntityMessage(object message) => message switch
        {
            ShardedHelperRequest request => request.Request,
            ShardedHelperCancel => Unwrapped(),
            _ => message,
        };

        private GetHelperStatus Unwrapped()
        {
            CancelUnwrapped.TrySetResult();
            return GetHelperStatus.Instance;
        }
    }

    private static readonly TimeSpan Sleep = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_cancelled_call_through_an_extractor_that_ignores_cancels_frees_the_slot_of_its_entity()
    {
        var options = ClusterTestNode.DefaultOptions.WithBounds(maxInFlight: 1, maxQueued: 10);
        await using var cluster = await TestCluster.StartAsync(1, options, ShardedHelperOptions.Default.WithMessageExtractor(new TenantExtractor()));
        var node = cluster.Nodes[0];
        var client = new ShardedHelperClient(node.Region);
        Assert.Equal(5, await client.CallAsync<int[], int>("a", "add", [2, 3]));

        await CancelASleepAsync(client, "a");

        // The only slot is free long before the cancelled sleep would have ended…
        var clock = Stopwatch.StartNew();
        Assert.Equal(7, await client.CallAsync<int[], int>("a", "add", [3, 4]).WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"the next request waited {clock.Elapsed}");
        // …and the cancel went to the requests' entity, starting no other.
        Assert.Equal(new HashSet<string> { "tenant-a" }, await node.EntityIdsAsync());

        await cluster.StopAndAssertNoHelperLeftAsync();
    }

    [Fact]
    public async Task An_extractor_that_routes_cancels_itself_keeps_its_own_routing()
    {
        var extractor = new OwnCancelExtractor();
        var options = ClusterTestNode.DefaultOptions.WithBounds(maxInFlight: 1, maxQueued: 10);
        await using var cluster = await TestCluster.StartAsync(1, options, ShardedHelperOptions.Default.WithMessageExtractor(extractor));
        var node = cluster.Nodes[0];
        var client = new ShardedHelperClient(node.Region);
        Assert.Equal(5, await client.CallAsync<int[], int>("b", "add", [2, 3]));

        await CancelASleepAsync(client, "b");

        // The shard asked the user's extractor what to give the entity, not the wrapper.
        await extractor.CancelUnwrapped.Task.WaitAsync(TimeSpan.FromSeconds(10));

        await cluster.StopAndAssertNoHelperLeftAsync();
    }

    private static async Task CancelASleepAsync(ShardedHelperClient client, string entityId)
    {
        using var cts = new CancellationTokenSource();
        var slow = client.SendAsync(entityId, HelperRequest.Create("sleep", new[] { (int)Sleep.TotalMilliseconds }) with { Timeout = Sleep }, cts.Token);
        await Task.Delay(200);
        Assert.False(slow.IsCompleted, $"the sleep ended early: {slow.Status}");
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => slow.WaitAsync(TimeSpan.FromSeconds(2)));
    }
}
