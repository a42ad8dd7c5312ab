using Akka.Cluster.Sharding;
using UmhActors.Helpers;
using UmhActors.Requests;

namespace UmhActors.Cluster.Sharding;

/// <summary>
/// Wraps a user's message extractor so that a <see cref="ShardedHelperCancel"/> it does not route
/// itself still reaches its entity: it goes where the user's extractor sends a
/// <see cref="ShardedHelperRequest"/> for the same entity id (the request the cancel is about, as
/// <see cref="ShardedHelperClient"/> sent it), and the entity receives it as a
/// <see cref="CancelHelperRequest"/>. Every other message, and a cancel the user's extractor routes,
/// is the user's extractor's alone.
/// </summary>
/// <remarks>The route is asked with a stand-in request, so it is the request's route as long as the
/// user's extractor routes a <see cref="ShardedHelperRequest"/> by its entity id, not by what it asks.
/// An extractor that does not route <see cref="ShardedHelperRequest"/> at all (its users send their own
/// envelopes, not through <see cref="ShardedHelperClient"/>) gets no cancel either: the region drops it.</remarks>
internal sealed class CancelRoutingMessageExtractor(IMessageExtractor inner) : IMessageExtractor
{
    private static readonly HelperRequest StandIn = HelperRequest.WithoutParams("cancel");

    public IMessageExtractor Inner { get; } = inner ?? throw new ArgumentNullException(nameof(inner));

    public string? EntityId(object message) =>
        message is ShardedHelperCancel cancel && Routes(cancel) is { } route ? Inner.EntityId(route) : Inner.EntityId(message);

    public object? EntityMessage(object message) =>
        message is ShardedHelperCancel cancel && Routes(cancel) is not null ? new CancelHelperRequest(cancel.Requester) : Inner.EntityMessage(message);

    [Obsolete("Use ShardId(string, object?) instead; Akka's own obsolete overload, passed on.")]
    public string? ShardId(object message) =>
        message is ShardedHelperCancel cancel && Routes(cancel) is { } route ? Inner.ShardId(route) : Inner.ShardId(message);

    public string ShardId(string entityId, object? messageHint = null) =>
        messageHint is ShardedHelperCancel cancel && Routes(cancel) is { } route ? Inner.ShardId(entityId, route) : Inner.ShardId(entityId, messageHint);

    // The stand-in request whose route the cancel takes; null when the user's extractor routes the cancel itself.
    private ShardedHelperRequest? Routes(ShardedHelperCancel cancel) =>
        Inner.EntityId(cancel) is null ? new ShardedHelperRequest(cancel.EntityId, StandIn) : null;
}
