using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.Configuration;
using UmhActors.Helpers;
using UmhActors.Native.Blobs;
using UmhActors.Supervision;

namespace UmhActors.Hosting;

/// <summary>Registers a pool of helpers as one actor of an Akka.Hosting app:
/// <c>b.WithUmhActors().WithHelperPool&lt;Shouter&gt;("shouters", blob, 8)</c>, then
/// <see cref="HelperClient{TKey}"/> or <c>IRequiredActor&lt;Shouter&gt;</c> from DI as for one helper.</summary>
public static class HelperPoolHostingExtensions
{
    /// <summary>
    /// When the ActorSystem starts, starts a <see cref="HelperPoolActor"/> of <paramref name="size"/> helpers
    /// running <paramref name="blob"/> as <c>/user/<paramref name="name"/></c> (its helpers
    /// <c>/user/NAME/NAME-1</c>…) and registers it in the <see cref="ActorRegistry"/> under
    /// <typeparamref name="TKey"/>. Requests sent to it are routed by <paramref name="routing"/>; a
    /// <see cref="ResizeHelperPool"/> message resizes it.
    /// </summary>
    /// <remarks>Each helper is supervised on its own by the policy table: from <paramref name="options"/>, or
    /// without them from the system's <c>umh.supervision</c> HOCON. The blob is shared, not owned. CoordinatedShutdown
    /// stops the pool and with it every helper, as for <c>WithHelper</c>.</remarks>
    /// <exception cref="ArgumentException"><paramref name="name"/> is not a valid actor name.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="size"/> is below 1, or <paramref name="routing"/> is unknown.</exception>
    public static AkkaConfigurationBuilder WithHelperPool<TKey>(this AkkaConfigurationBuilder builder, string name, HelperBlob blob, int size,
        HelperOptions? options = null, HelperRouting routing = HelperRouting.RoundRobin)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        if (!Enum.IsDefined(routing)) throw new ArgumentOutOfRangeException(nameof(routing), routing, "unknown routing");
        return WithHelperPool<TKey>(builder, name, blob, system => (options ?? HelperHostingExtensions.SystemDefaults(system), size, routing));
    }

    /// <summary>
    /// As <see cref="WithHelperPool{TKey}(AkkaConfigurationBuilder, string, HelperBlob, int, HelperOptions?, HelperRouting)"/>,
    /// with the size and routing of the section's <c>Pool</c> block (<c>"Pool": { "Size": 8, "Routing": "SmallestMailbox" }</c>)
    /// and every helper's options from the rest of the section, as <c>WithHelper</c> binds them
    /// (<see cref="HelperOptionsConfiguration"/>, over the defaults and the system's <c>umh.supervision</c> table).
    /// </summary>
    /// <remarks>The section is read when the ActorSystem starts: a missing <c>Pool:Size</c>, an unknown key or
    /// an impossible value fails the start (and the host's) with a <see cref="HelperConfigurationException"/>
    /// naming the key.</remarks>
    /// <exception cref="ArgumentException"><paramref name="name"/> is not a valid actor name.</exception>
    public static AkkaConfigurationBuilder WithHelperPool<TKey>(this AkkaConfigurationBuilder builder, string name, HelperBlob blob, IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(section);
        return WithHelperPool<TKey>(builder, name, blob, system =>
        {
            var options = HelperOptionsConfiguration.Bind(section, HelperHostingExtensions.SystemDefaults(system), poolSection: true);
            var (size, routing) = HelperPoolConfiguration.Bind(section);
            return (options, size, routing);
        });
    }

    private static AkkaConfigurationBuilder WithHelperPool<TKey>(AkkaConfigurationBuilder builder, string name, HelperBlob blob,
        Func<ActorSystem, (HelperOptions Options, int Size, HelperRouting Routing)> resolve)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(blob);
        ArgumentException.ThrowIfNullOrEmpty(name);
        // Checked here, where the mistake is made, rather than when the host starts.
        if (!ActorPath.IsValidPathElement(name))
            throw new ArgumentException($"\"{name}\" is not a valid actor name (letters, digits and -_.*$+:@&=,!~';, not starting with $)", nameof(name));
        return builder.WithActors((system, registry, _) =>
        {
            var (resolved, size, routing) = resolve(system);
            var pool = system.ActorOf(HelperPoolActor.Props(name, blob, size, resolved, routing), name);
            HostedHelpers.Get(system).Add(pool, null, isPool: true);
            registry.Register<TKey>(pool);
        });
    }
}
