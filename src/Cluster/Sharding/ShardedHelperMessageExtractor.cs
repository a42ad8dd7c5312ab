using Akka.Cluster.Sharding;

namespace UmhActors.Cluster.Sharding;

/// <summary>
/// The default message extractor of sharded helpers: the entity id comes from a
/// <see cref="ShardedHelperRequest"/>, the shard from a stable hash of that id (Akka's
/// <see cref="HashCodeMessageExtractor"/>), and the entity receives the bare
/// <see cref="Requests.HelperRequest"/>, so its Sender stays the original caller. A
/// <see cref="ShardedHelperCancel"/> goes to the same entity as <see cref="Helpers.CancelHelperRequest"/>.
/// </summary>
public sealed class ShardedHelperMessageExtractor : HashCodeMessageExtractor
{
    /// <summary>An extractor spreading entities over <paramref name="maxNumberOfShards"/> shards.</summary>
    /// <param name="maxNumberOfShards">Shards in the region; every node must use the same number
    /// (about ten times the largest number of nodes is Akka's advice).</param>
    public ShardedHelperMessageExtractor(int maxNumberOfShards)
        : base(maxNumberOfShards)
    {
    }

    /// <inheritdoc />
    public override string? EntityId(object message) => message switch
    {
        ShardedHelperRequest request => request.EntityId,
        ShardedHelperCancel cancel => cancel.EntityId,
        _ => null,
    };

    /// <inheritdoc />
    public override object EntityMessage(object message) => message switch
    {
        ShardedHelperRequest request => request.Request,
        ShardedHelperCancel cancel => new Helpers.CancelHelperRequest(cancel.Requester),
        _ => message,
    };
}
