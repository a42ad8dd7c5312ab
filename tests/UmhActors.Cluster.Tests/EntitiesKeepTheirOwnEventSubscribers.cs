using System.Collections.Concurrent;
using Akka.Actor;
using Akka.Cluster.Sharding;
using UmhActors.Cluster.Sharding;
using UmhActors.Cluster.Tests.Support;
using UmhActors.Helpers;
using UmhActors.Requests;
using UmhActors.Tests.Shared;

namespace UmhActors.Cluster.Tests;

/// <summary>A subscription to one entity's helper events (notifications, stderr lines) is that entity's
/// alone: the entities of a region do not share their subscribers.</summary>
public sealed class EntitiesKeepTheirOwnEventSubscribers
{
    /// <summary>The user's envelope subscribing <paramref name="Subscriber"/> to the events of one entity.</summary>
    private sealed record SubscribeTo(string EntityId, IActorRef Subscriber);

    private sealed class SubscribingExtractor() : HashCodeMessageExtractor(10)
    {
        public override string? EntityId(object message) => message switch
        {
            ShardedHelperRequest request => request.EntityId,
            SubscribeTo subscribe => subscribe.EntityId,
            _ => null,
        };

        public override object EntityMessage(object message) => message switch
        {
            ShardedHelperRequest request => request.Request,
            SubscribeTo subscribe => new SubscribeHelperEvents(subscribe.Subscriber),
            _ => message,
        };
    }

    private sealed class Collector : ReceiveActor
    {
        public Collector(ConcurrentQueue<HelperNotification> seen) => Receive<HelperNotification>(seen.Enqueue);
    }

    [Fact]
    public async Task A_subscriber_of_one_entity_receives_no_notification_of_another()
    {
        await using var cluster = await TestCluster.StartAsync(1, sharding: ShardedHelperOptions.Default.WithMessageExtractor(new SubscribingExtractor()));
        var node = cluster.Nodes[0];
        var pidA = await Echo.PidAsync(node.Region, "subscribed-a");
        var pidB = await Echo.PidAsync(node.Region, "other-b");
        var seen = new ConcurrentQueue<HelperNotification>();
        var collector = node.System.ActorOf(Props.Create(() => new Collector(seen)));
        await node.Region.Ask<HelperEventsSubscribed>(new SubscribeTo("subscribed-a", collector), TimeSpan.FromSeconds(10));

        // The helper sends its notification before its answer, and the entity passes each on as it
        // reads it: once B answered, a notification of B to this subscriber is already on its way,
        // ahead of A's.
        await node.Region.Ask<HelperResponse>(new ShardedHelperRequest("other-b", HelperRequest.Create("flood", new[] { 1 })), TimeSpan.FromSeconds(10));
        await node.Region.Ask<HelperResponse>(new ShardedHelperRequest("subscribed-a", HelperRequest.Create("flood", new[] { 1 })), TimeSpan.FromSeconds(10));

        Assert.True(await HostCensus.EventuallyAsync(() => seen.Any(n => n.Pid == pidA), TimeSpan.FromSeconds(10)), "the subscriber got no notification of its entity");
        Assert.DoesNotContain(seen, n => n.Pid == pidB);

        await cluster.StopAndAssertNoHelperLeftAsync();
    }
}
