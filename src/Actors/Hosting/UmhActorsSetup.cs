using Akka.Actor.Setup;

namespace UmhActors.Hosting;

/// <summary>Carries the <see cref="UmhActorsOptions"/> of <c>WithUmhActors</c> into the ActorSystem
/// (read by the hosted-helper registry when CoordinatedShutdown stops helpers).</summary>
internal sealed class UmhActorsSetup(TimeSpan stopHelpersTimeout) : Setup
{
    public TimeSpan StopHelpersTimeout { get; } = stopHelpersTimeout;
}
