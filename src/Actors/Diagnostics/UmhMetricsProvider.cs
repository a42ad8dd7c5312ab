using System.Diagnostics.Metrics;
using Akka.Actor;
using Akka.DependencyInjection;

namespace UmhActors.Diagnostics;

/// <summary>Creates <see cref="UmhMetricsExtension"/>: with the app's <see cref="IMeterFactory"/>
/// when the system was built with a DI setup that has one (Akka.Hosting's, from
/// <c>WithUmhActors</c>), so the meter follows the host's lifetime and its listeners; otherwise
/// the shared meter.</summary>
internal sealed class UmhMetricsProvider : ExtensionIdProvider<UmhMetricsExtension>
{
    public override UmhMetricsExtension CreateExtension(ExtendedActorSystem system)
    {
        var setup = system.Settings.Setup.Get<DependencyResolverSetup>();
        var factory = setup.HasValue ? setup.Value.DependencyResolver.GetService(typeof(IMeterFactory)) as IMeterFactory : null;
        return new UmhMetricsExtension(factory is null ? UmhMetrics.Shared : new UmhMetrics(factory));
    }
}
