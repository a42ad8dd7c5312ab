using Akka.Actor;

namespace UmhActors.Helpers;

/// <summary>Creates the <see cref="UndeliveredRequestBouncer"/> extension, one per ActorSystem.</summary>
public sealed class UndeliveredRequestBouncerProvider : ExtensionIdProvider<UndeliveredRequestBouncer>
{
    /// <inheritdoc />
    public override UndeliveredRequestBouncer CreateExtension(ExtendedActorSystem system) => new(system);
}
