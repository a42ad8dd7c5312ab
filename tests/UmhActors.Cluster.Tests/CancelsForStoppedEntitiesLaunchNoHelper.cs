using System.Collections.Concurrent;
using System.Diagnostics;
using Akka.Actor;
using Akka.Cluster.Sharding;
using UmhActors.Cluster.Sharding;
using UmhActors.Cluster.Tests.Support;
using UmhActors.ClusterTesting;
using UmhActors.Helpers;
using UmhActors.Requests;
using UmhActors.Tests.Shared;

namespace UmhActors.Cluster.Tests;

/// <summary>Akka.Cluster.Sharding starts an entity for any message sent to it: a
/// <see cref="ShardedHelperCancel"/> for an entity that is not running (passivated, handed off, never
/// started) must not launch a helper only to drop the cancel. The entity launches its helper on its
/// first request and passivates at once when a cancel comes first.</summary>
public sealed class CancelsForStoppedEntitiesLaunchNoHelper
{
    [Fact]
    public async Task A_cancel_for_a_passivated_entity_launches_no_helper_and_leaves_no_entity()
    {
        var witness = new CancelWitness();
        await using var cluster = await TestCluster.StartAsync(1, ClusterTestNode.DefaultOptions.WithIdleTimeout(TimeSpan.FromSeconds(1)), witness.Sharding);
        var node = cluster.Nodes[0];
        var pid = await Echo.PidAsync(node.Region, "passivated-1");
        Assert.True(await HostCensus.EventuallyAsync(() => !HostCensus.IsRunning(pid), TimeSpan.FromSeconds(15)), "the idle helper was not stopped");
        Assert.True(await EventuallyGoneAsync(node, "passivated-1"), "the idle entity was not passivated");

        using var launches = new LaunchRecorder();
        node.Region.Tell(new ShardedHelperCancel("passivated-1", node.System.DeadLetters));

        await AssertStartedNothingAsync(node, witness, launches, "passivated-1");
        await cluster.StopAndAssertNoHelperLeftAsync();
    }

    [Fact]
    public async Task A_cancel_for_an_entity_never_started_launches_no_helper_and_leaves_no_entity()
    {
        // Akka's default idle passivation (2 min): an entity the cancel started would stay.
        var witness = new CancelWitness();
        await using var cluster = await TestCluster.StartAsync(1, sharding: witness.Sharding);
        var node = cluster.Nodes[0];

        using var launches = new LaunchRecorder();
        node.Region.Tell(new ShardedHelperCancel("never-1", node.System.DeadLetters));

        await AssertStartedNothingAsync(node, witness, launches, "never-1");
        Assert.Empty(HostCensus.RunningChildrenOfBlob("testhelper"));
        await cluster.StopAndAssertNoHelperLeftAsync();
    }

    [Fact]
    public async Task Requests_sent_right_behind_cancels_to_entities_not_running_are_all_answered()
    {
        // The cancel makes each entity ask its shard to passivate it while the request is on its way:
        // the request either reaches the entity first (which launches for it and serves it before it
        // stops) or is buffered by the shard and starts the entity again.
        await using var cluster = await TestCluster.StartAsync(1);
        var node = cluster.Nodes[0];
        var ids = Enumerable.Range(0, 20).Select(i => $"racing-{i}").ToArray();

        var answers = ids.Select((id, i) =>
        {
            node.Region.Tell(new ShardedHelperCancel(id, node.System.DeadLetters));
            return Echo.AssertEchoAsync(node.Region, id, i);
        }).ToArray();
        await Task.WhenAll(answers).WaitAsync(TimeSpan.FromSeconds(20));

        // And each serves the next request as usual.
        for (var i = 0; i < ids.Length; i++) await Echo.AssertEchoAsync(node.Region, ids[i], i + 100);
        await cluster.StopAndAssertNoHelperLeftAsync();
    }

    [Fact]
    public async Task A_call_cancelled_while_its_entity_launches_its_helper_is_dropped_and_the_entity_serves_the_next()
    {
        // One slot: the cancelled sleep, had it been sent to the helper once ready, would hold it 30 s.
        var sleep = TimeSpan.FromSeconds(30);
        await using var cluster = await TestCluster.StartAsync(1, ClusterTestNode.DefaultOptions.WithBounds(maxInFlight: 1, maxQueued: 10));
        var node = cluster.Nodes[0];
        var client = new ShardedHelperClient(node.Region);

        using var cts = new CancellationTokenSource();
        var slow = client.SendAsync("starting-1", HelperRequest.Create("sleep", new[] { (int)sleep.TotalMilliseconds }) with { Timeout = sleep }, cts.Token);
        cts.Cancel(); // the request was sent: the cancel follows it to the entity, which is still launching
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => slow.WaitAsync(TimeSpan.FromSeconds(2)));

        var clock = Stopwatch.StartNew();
        var sum = await client.CallAsync<int[], int>("starting-1", "add", [2, 3]).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(5, sum);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"the next request waited {clock.Elapsed}");
        await cluster.StopAndAssertNoHelperLeftAsync();
    }

    private static async Task AssertStartedNothingAsync(TestNode node, CancelWitness witness, LaunchRecorder launches, string entityId)
    {
        // The shard hands the cancel to the entity (starting it if need be) right after the extractor
        // unwrapped it: a state query sent from now on reaches the shard behind the cancel.
        await witness.Delivered(entityId).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(await EventuallyGoneAsync(node, entityId), $"the cancel left entity {entityId} running");
        Assert.Equal(0, launches.LaunchesOf(entityId));
    }

    private static async Task<bool> EventuallyGoneAsync(TestNode node, string entityId)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        while (DateTime.UtcNow < deadline)
        {
            if (!(await node.EntityIdsAsync()).Contains(entityId)) return true;
            await Task.Delay(50);
        }
        return false;
    }

    /// <summary>The default routing (<see cref="ShardedHelperMessageExtractor"/>'s), telling when the
    /// shard unwraps a cancel: Akka calls <c>EntityMessage</c> only in the shard, as it delivers.</summary>
    private sealed class CancelWitness() : HashCodeMessageExtractor(ShardedHelperOptions.Default.NumberOfShards)
    {
        private readonly ConcurrentDictionary<string, TaskCompletionSource> _delivered = new();

        public ShardedHelperOptions Sharding => ShardedHelperOptions.Default.WithMessageExtractor(this);

        public Task Delivered(string entityId) => Signal(entityId).Task;

        public override string? EntityId(object message) => message switch
        {
            ShardedHelperRequest request => request.EntityId,
            ShardedHelperCancel cancel => cancel.EntityId,
            _ => null,
        };

        public override object EntityMessage(object message)
        {
            switch (message)
            {
                case ShardedHelperRequest request:
                    return request.Request;
                case ShardedHelperCancel cancel:
                    Signal(cancel.EntityId).TrySetResult();
                    return new CancelHelperRequest(cancel.Requester);
                default:
                    return message;
            }
        }

        private TaskCompletionSource Signal(string entityId) =>
            _delivered.GetOrAdd(entityId, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
    }
}
