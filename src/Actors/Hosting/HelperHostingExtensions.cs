using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.Configuration;
using UmhActors.Helpers;
using UmhActors.Native.Blobs;
using UmhActors.Supervision;

namespace UmhActors.Hosting;

/// <summary>Registers helpers as actors of an Akka.Hosting app:
/// <c>b.WithUmhActors().WithHelper&lt;Shouter&gt;("shouter", blob)</c>, then
/// <c>IRequiredActor&lt;Shouter&gt;</c> or <see cref="HelperClient{TKey}"/> from DI.</summary>
public static class HelperHostingExtensions
{
    /// <summary>
    /// When the ActorSystem starts, starts a <see cref="HelperActor"/> running <paramref name="blob"/>
    /// as the top-level actor <c>/user/<paramref name="name"/></c> and registers it in the
    /// <see cref="ActorRegistry"/> under <typeparamref name="TKey"/>, so <c>IRequiredActor&lt;TKey&gt;</c>
    /// and <c>ActorRegistry.Get&lt;TKey&gt;()</c> return it.
    /// </summary>
    /// <remarks>
    /// <para>The actor supervises its helper itself: the policy table restarts, stops or escalates per
    /// failure kind (an escalation reaches Akka's user guardian, whose default strategy restarts the
    /// actor). Without <paramref name="options"/>, the helper runs with <see cref="HelperOptions.Default"/>
    /// and the table read from the system's <c>umh.supervision</c> HOCON
    /// (<see cref="HelperSupervisionPolicy.FromConfig"/>); with them, exactly as given.</para>
    /// <para>The blob is shared, not owned: the caller disposes it after the host stopped. CoordinatedShutdown
    /// stops the actor (see <see cref="UmhActorsHostingExtensions.WithUmhActors"/>).</para>
    /// </remarks>
    /// <typeparam name="TKey">The registry key (any type; usually an empty marker class).</typeparam>
    /// <exception cref="ArgumentException"><paramref name="name"/> is not a valid actor name.</exception>
    public static AkkaConfigurationBuilder WithHelper<TKey>(this AkkaConfigurationBuilder builder, string name, HelperBlob blob, HelperOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(blob);
        return WithHelper<TKey>(builder, name, _ => blob, system => options ?? SystemDefaults(system), ownsBlob: false);
    }

    /// <summary>
    /// As <see cref="WithHelper{TKey}(AkkaConfigurationBuilder, string, HelperBlob, HelperOptions?)"/>, with
    /// the options of a configuration section (<see cref="HelperOptionsConfiguration.Bind(IConfiguration, HelperOptions?)"/>)
    /// over the defaults: <see cref="HelperOptions.Default"/> and the system's <c>umh.supervision</c> table,
    /// whose kinds the section's <c>Supervision</c> block changes for this helper only.
    /// </summary>
    /// <remarks>The section is read when the ActorSystem starts: an unknown key or an impossible value
    /// fails the start (and the host's) with a <see cref="HelperConfigurationException"/> naming the key.</remarks>
    /// <exception cref="ArgumentException"><paramref name="name"/> is not a valid actor name.</exception>
    public static AkkaConfigurationBuilder WithHelper<TKey>(this AkkaConfigurationBuilder builder, string name, HelperBlob blob, IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(blob);
        ArgumentNullException.ThrowIfNull(section);
        return WithHelper<TKey>(builder, name, _ => blob, system => HelperOptionsConfiguration.Bind(section, SystemDefaults(system)), ownsBlob: false);
    }

    /// <summary>The options of a helper registered without any: the defaults, with the system's
    /// <c>umh.supervision</c> table (<see cref="HelperSupervisionPolicy.FromConfig"/>).</summary>
    internal static HelperOptions SystemDefaults(ActorSystem system) =>
        HelperOptions.Default.WithSupervision(HelperSupervisionPolicy.FromConfig(system.Settings.Config));

    /// <summary>
    /// As <see cref="WithHelper{TKey}(AkkaConfigurationBuilder, string, HelperBlob, HelperOptions?)"/>,
    /// with the blob made by <paramref name="blobFactory"/> from the app's services when the ActorSystem
    /// starts. The host owns that blob: it is disposed at shutdown, once the helper actors have stopped.
    /// </summary>
    /// <remarks>A factory that throws fails the ActorSystem's start, and with it the host's.</remarks>
    /// <exception cref="ArgumentException"><paramref name="name"/> is not a valid actor name.</exception>
    public static AkkaConfigurationBuilder WithHelper<TKey>(this AkkaConfigurationBuilder builder, string name, Func<IServiceProvider, HelperBlob> blobFactory, HelperOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(blobFactory);
        return WithHelper<TKey>(builder, name, blobFactory, system => options ?? SystemDefaults(system), ownsBlob: true);
    }

    private static AkkaConfigurationBuilder WithHelper<TKey>(AkkaConfigurationBuilder builder, string name, Func<IServiceProvider, HelperBlob> blobFactory,
        Func<ActorSystem, HelperOptions> resolveOptions, bool ownsBlob)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(name);
        // Checked here, where the mistake is made, rather than when the host starts.
        if (!ActorPath.IsValidPathElement(name))
            throw new ArgumentException($"\"{name}\" is not a valid actor name (letters, digits and -_.*$+:@&=,!~';, not starting with $)", nameof(name));
        return builder.WithActors((system, registry, resolver) =>
        {
            // Options first: a wrong configuration section fails the start before a blob is made.
            var resolved = resolveOptions(system);
            var blob = blobFactory(new DependencyResolverServiceProvider(resolver))
                ?? throw new InvalidOperationException($"the blob factory of helper \"{name}\" returned null");
            var hosted = HostedHelpers.Get(system);
            IActorRef actor;
            try
            {
                actor = system.ActorOf(HelperActor.Props(blob, resolved), name);
            }
            catch
            {
                if (ownsBlob) blob.Dispose();
                throw;
            }
            hosted.Add(actor, ownsBlob ? blob : null);
            registry.Register<TKey>(actor);
        });
    }
}
