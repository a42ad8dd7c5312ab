using Akka.Actor;

namespace UmhActors.Hosting.Health;

/// <summary>Creates the <see cref="HelperFailureLedger"/> extension, one per ActorSystem.</summary>
internal sealed class HelperFailureLedgerProvider : ExtensionIdProvider<HelperFailureLedger>
{
    public override HelperFailureLedger CreateExtension(ExtendedActorSystem system) => new(system);
}
