using Akka.Actor;
using Akka.Routing;
using UmhActors.Hosting;

namespace UmhActors.Helpers;

/// <summary>
/// Which targets <see cref="HelperClient"/> may send a request with an unregistered
/// <see cref="LocalReply"/> as its sender: those certain to answer in this process. An actor that
/// may pass the sender to another node (a shard region, a cluster or remote router, a remote ref,
/// any actor of the user's that forwards) would serialize it as a path nobody can resolve, and the
/// answer would be lost: those keep Akka's Ask, whose temp actor is registered by name.
/// </summary>
internal static class LocalReplyTargets
{
    /// <summary>True for a local <see cref="HelperActor"/> or <see cref="HelperPoolActor"/> (whose
    /// routees are its local children, which it forwards to): also the targets with a
    /// <see cref="RequestInbox"/>. Akka routers get false, local pools included: Akka's public API does
    /// not tell what their routees are.</summary>
    public static bool AnswersLocally(IActorRef target) =>
        LocalActorType(target) is { } type && (type == typeof(HelperActor) || type == typeof(HelperPoolActor));

    // The actor type of a local, unrouted, not remotely deployed target; null for anything else.
    private static Type? LocalActorType(IActorRef target)
    {
        if (target is not ActorRefWithCell { Underlying: { } cell } || target is not IActorRefScope { IsLocal: true }) return null;
        var props = cell.Props;
        return props.RouterConfig is null or NoRouter && props.Deploy.Scope is not RemoteScope ? props.Type : null;
    }
}
