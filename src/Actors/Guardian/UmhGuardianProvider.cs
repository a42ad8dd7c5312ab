using Akka.Actor;

namespace UmhActors.Guardian;

/// <summary>Creates the <see cref="UmhGuardian"/> extension, one per ActorSystem.</summary>
public sealed class UmhGuardianProvider : ExtensionIdProvider<UmhGuardian>
{
    /// <inheritdoc />
    public override UmhGuardian CreateExtension(ExtendedActorSystem system) => new(system);
}
