using Akka.Actor;
using Akka.Event;

namespace UmhActors.Helpers;

/// <summary>
/// Answers the caller of every <see cref="Requests.HelperRequest"/> that Akka could not deliver with a
/// <c>Status.Failure</c> carrying <see cref="Requests.HelperRequestUndeliveredException"/>, at once,
/// instead of leaving its Ask to time out. An ActorSystem extension, started with the launch guardian
/// (<see cref="Guardian.UmhGuardian"/>, so with <c>WithUmhActors</c> and with the first helper actor).
/// </summary>
/// <remarks>
/// <para>It listens to the system's dead letters (<see cref="AllDeadLetters"/>: a <see cref="DeadLetter"/>,
/// a <see cref="Dropped"/> message, an <see cref="UnhandledMessage"/>) and bounces those that hold a
/// request — bare, or inside any <see cref="IWrappedMessage"/> envelope (a sharded request, Akka's
/// <c>ShardingEnvelope</c>) — to their sender. Examples: a request to a helper actor that has stopped;
/// one a shard region dropped while its shard was handed off to another member.</para>
/// <para>A dead-lettered request was never processed by a helper actor, so it was not executed and a
/// retry is safe. A request dropped without its sender (Akka's full-buffer drop in a shard region) or
/// lost with a member that died cannot be bounced: its Ask times out.</para>
/// </remarks>
public sealed class UndeliveredRequestBouncer : IExtension
{
    internal UndeliveredRequestBouncer(ExtendedActorSystem system)
    {
        Actor = system.SystemActorOf(Props.Create(() => new UndeliveredRequestBouncerActor()), "umh-undelivered-requests");
        // Subscribed here, not in the actor's PreStart: no dead letter published after this
        // extension exists is missed.
        system.EventStream.Subscribe(Actor, typeof(AllDeadLetters));
    }

    /// <summary>The actor that answers undelivered requests.</summary>
    public IActorRef Actor { get; }

    /// <summary>The bouncer of <paramref name="system"/>, created on first use.</summary>
    public static UndeliveredRequestBouncer Get(ActorSystem system) =>
        system.WithExtension<UndeliveredRequestBouncer, UndeliveredRequestBouncerProvider>();
}
