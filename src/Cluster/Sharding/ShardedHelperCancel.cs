using Akka.Actor;
using UmhActors.Helpers;

namespace UmhActors.Cluster.Sharding;

/// <summary>
/// Cancels, at the sharded helper <paramref name="EntityId"/>, the unanswered requests that
/// <paramref name="Requester"/> sent (the Sender of a <see cref="ShardedHelperRequest"/>; for an Ask,
/// its temporary actor): send it to the shard region (or its proxy), which delivers it to that entity's
/// <see cref="HelperActor"/> as a <see cref="CancelHelperRequest"/> on whichever member hosts it. The
/// entity then does what a local helper does: a queued request is dropped, one in flight frees its slot
/// and the helper is sent <c>$/cancel</c>; each is answered with an <see cref="OperationCanceledException"/>.
/// <see cref="ShardedHelperClient"/> sends it when the caller's token is cancelled. Not answered.
/// </summary>
/// <remarks>Best effort, as any message across the cluster: one that arrives after the answer does
/// nothing; one Akka loses (a hand-off, a member that died) leaves the request to its own timeout. Only
/// <see cref="ShardedHelperMessageExtractor"/> (the default) routes it; a custom extractor must map it
/// the same way (entity id <paramref name="EntityId"/>, entity message
/// <c>new CancelHelperRequest(Requester)</c>) or the region drops it.</remarks>
/// <param name="EntityId">The entity the request was sent to.</param>
/// <param name="Requester">The Sender of the request to cancel.</param>
public sealed record ShardedHelperCancel(string EntityId, IActorRef Requester);
