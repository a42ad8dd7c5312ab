using Akka.Actor;
using UmhActors.Requests;

namespace UmhActors.Cluster.Sharding;

/// <summary>
/// A <see cref="HelperRequest"/> for the sharded helper <paramref name="EntityId"/>: send it to the
/// shard region (or its proxy) registered by
/// <see cref="ShardedHelperHostingExtensions.WithShardedHelpers{TKey}"/>. The region delivers
/// <paramref name="Request"/> to that entity's <see cref="Helpers.HelperActor"/> on whichever node
/// hosts it, starting the entity (and its helper process) first if it is not running; the answer,
/// a <see cref="HelperResponse"/> or a <c>Status.Failure</c> with the same typed exceptions as a
/// local helper's, goes straight back to the sender, across nodes if need be.
/// <see cref="ShardedHelperClient"/> sends it for you and retries a request Akka dropped on its way.
/// </summary>
/// <remarks>An <see cref="IWrappedMessage"/>, so Akka's dead-letter reports show the request inside and
/// the <see cref="Helpers.UndeliveredRequestBouncer"/> can answer a dropped one.</remarks>
/// <param name="EntityId">The entity: one helper process per id, anywhere in the cluster.</param>
/// <param name="Request">What to ask that helper.</param>
public sealed record ShardedHelperRequest(string EntityId, HelperRequest Request) : IWrappedMessage
{
    /// <inheritdoc />
    object IWrappedMessage.Message => Request;
}
