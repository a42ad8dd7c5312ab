using Akka.Actor;

namespace UmhActors.Tests.Support;

/// <summary>Restarts its one child on any failure (a <see cref="Kill"/> included).</summary>
internal sealed class RestartingParent : ReceiveActor
{
    public RestartingParent(Props childProps)
    {
        var child = Context.ActorOf(childProps, "helper");
        Receive<GetChild>(_ => Sender.Tell(child));
    }

    protected override SupervisorStrategy SupervisorStrategy() =>
        new OneForOneStrategy(_ => Directive.Restart);

    public sealed class GetChild
    {
        public static GetChild Instance { get; } = new();
    }
}
