using Akka.Actor;

namespace UmhActors.Hosting;

/// <summary>Creates the <see cref="HostedHelpers"/> extension, one per ActorSystem.</summary>
internal sealed class HostedHelpersProvider : ExtensionIdProvider<HostedHelpers>
{
    public override HostedHelpers CreateExtension(ExtendedActorSystem system) => new(system);
}
