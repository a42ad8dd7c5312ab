using Akka.Actor;
using UmhActors.Native.Blobs;
using UmhActors.Requests;

namespace UmhActors.Helpers;

// Launch on demand, for sharding entities: Akka.Cluster.Sharding starts an entity for any message
// sent to it, a cancel included, and a cancel needs no helper. Such an actor launches its helper on the
// first message that needs one; a cancel that reaches it before then asks its parent (the shard) to
// stop it, so a cancel for an entity that was not running costs no launch and leaves no entity behind.
public sealed partial class HelperActor
{
    // The message that asks the parent to stop this actor (the shard's Passivate); null: launch in PreStart.
    private readonly object? _stopRequest;
    private bool _launchDeferred;
    private bool _stopRequested;

    /// <summary>Props for an actor that launches its helper only on its first
    /// <see cref="HelperRequest"/>, <see cref="HelperRequestBatch"/> or <see cref="NotifyWhenReady"/>,
    /// and that, when a <see cref="CancelHelperRequest"/> reaches it before then (there is nothing to
    /// cancel), sends <paramref name="stopRequest"/> to its parent once. An incarnation restarted by its
    /// supervisor (after an escalation) waits for its next request too: the requests of the failed one
    /// were all answered with the failure.</summary>
    /// <remarks>For sharding entities: <paramref name="stopRequest"/> is the shard's
    /// <c>ShardRegion.Passivate(HandOffHelper)</c>, so the shard buffers what arrives for the entity
    /// while it stops and starts it again for a request that came meanwhile.</remarks>
    internal static Props PropsLaunchingOnDemand(HelperBlob blob, HelperOptions? options, object stopRequest)
    {
        ArgumentNullException.ThrowIfNull(blob);
        ArgumentNullException.ThrowIfNull(stopRequest);
        return Akka.Actor.Props.CreateBy(new Producer(blob, options ?? HelperOptions.Default, new HelperEventSubscribers(), TimeProvider.System, stopRequest));
    }

    /// <summary>True when <paramref name="message"/> was handled by an actor that has not launched yet.</summary>
    private bool OnBeforeLaunch(object message)
    {
        if (!_launchDeferred) return false;
        switch (message)
        {
            case HelperRequest or HelperRequestBatch or NotifyWhenReady:
                // Launched here, then handled as usual: the request waits in the queue until the helper
                // is ready, as behind any launch.
                _launchDeferred = false;
                RequestPermit();
                return false;
            case CancelHelperRequest:
                // No request ever reached this actor, so nothing is cancelled.
                if (!_stopRequested)
                {
                    _stopRequested = true;
                    Context.Parent.Tell(_stopRequest!);
                }
                return true;
            default:
                // Status, freeze, subscriptions, a hand-off (which stops it at once: nothing is in flight) as usual.
                return false;
        }
    }
}
