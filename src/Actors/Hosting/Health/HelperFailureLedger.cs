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
        // Recorded on the publishing actor's thread, before it can stop: an actor subscriber would
        // record it later, and a probe could see the actor stopped before knowing why.
        system.EventStream.Subscribe(new Recorder(this, system.Provider), typeof(HelperSupervisionDecision));
    }

    public static HelperFailureLedger Get(ActorSystem system) => system.WithExtension<HelperFailureLedger, HelperFailureLedgerProvider>();

    /// <summary>The last decision taken for <paramref name="helper"/>, if any.</summary>
    public HelperSupervisionDecision? LastDecision(IActorRef helper) => _last.TryGetValue(helper, out var decision) ? decision : null;

    private sealed class Recorder(HelperFailureLedger ledger, IActorRefProvider provider) : MinimalActorRef
    {
        public override ActorPath Path { get; } = provider.TempPath();

        public override IActorRefProvider Provider => provider;

        protected override void TellInternal(object message, IActorRef sender)
        {
            if (message is HelperSupervisionDecision decision) ledger._last[decision.Helper] = decision;
        }
    }
}
