using System.Collections.Concurrent;
using Akka.Actor;
using UmhActors.Supervision;

namespace UmhActors.Hosting.Health;

/// <summary>
/// The last supervision decision of every helper actor in the ActorSystem (one per system, an Akka
/// extension started by <c>WithUmhActors</c>), from the <see cref="HelperSupervisionDecision"/>s
/// the actors publish: a stopped actor can no longer be asked why it stopped, so the health check
/// reads it here.
/// </summary>
internal sealed class HelperFailureLedger : IExtension
{
    private readonly ConcurrentDictionary<IActorRef, HelperSupervisionDecision> _last = new();

    public HelperFailureLedger(ExtendedActorSystem system)
    {
        var listener = system.SystemActorOf(Props.Create(() => new Listener(this)), "umh-failure-ledger");
        system.EventStream.Subscribe(listener, typeof(HelperSupervisionDecision));
    }

    public static HelperFailureLedger Get(ActorSystem system) => system.WithExtension<HelperFailureLedger, HelperFailureLedgerProvider>();

    /// <summary>The last decision taken for <paramref name="helper"/>, if any.</summary>
    public HelperSupervisionDecision? LastDecision(IActorRef helper) => _last.TryGetValue(helper, out var decision) ? decision : null;

    private sealed class Listener : ReceiveActor
    {
        public Listener(HelperFailureLedger ledger) => Receive<HelperSupervisionDecision>(decision => ledger._last[decision.Helper] = decision);
    }
}
