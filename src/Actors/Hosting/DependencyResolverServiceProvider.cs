using Akka.DependencyInjection;

namespace UmhActors.Hosting;

/// <summary>The app's services, as the <see cref="IServiceProvider"/> a blob factory expects, seen
/// through Akka.DependencyInjection's resolver (what Akka.Hosting hands to actor starters).</summary>
internal sealed class DependencyResolverServiceProvider(IDependencyResolver resolver) : IServiceProvider
{
    public object? GetService(Type serviceType) => resolver.GetService(serviceType);
}
