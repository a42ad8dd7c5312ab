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
    /// routees are its local children), alone or behind a local pool router of Akka's own
    /// (<c>Akka.Routing</c>: its routees are local children; cluster and remote pools are not).</summary>
    public static bool AnswersLocally(IActorRef target)
    {
        if (target is not ActorRefWithCell { Underlying: { } cell } || target is not IActorRefScope { IsLocal: true }) return false;
        var props = cell.Props;
        if (props.Deploy.Scope is RemoteScope) return false;
        var router = props.RouterConfig;
        var localRouting = router is null or NoRouter
            || (router is Pool && router.GetType().Assembly == typeof(Pool).Assembly);
        return localRouting && (props.Type == typeof(HelperActor) || props.Type == typeof(HelperPoolActor));
    }
}
