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
/// nothing; one Akka loses (a hand-off, a member that died) leaves the request to its own timeout. A
/// cancel for an entity that is not running (passivated, handed off, never started) launches no helper:
/// Akka starts the entity to deliver it, and the entity, which launches its helper only on its first
/// request, asks its shard to passivate it at once (with remember-entities on, entities launch as they
/// start, so there it does start the helper Akka would keep running anyway). A message extractor of
/// the user's need not route it: one that does not sends it where it sends a
/// <see cref="ShardedHelperRequest"/> for the same entity id.</remarks>
/// <param name="EntityId">The entity the request was sent to.</param>
/// <param name="Requester">The Sender of the request to cancel.</param>
public sealed record ShardedHelperCancel(string EntityId, IActorRef Requester);
