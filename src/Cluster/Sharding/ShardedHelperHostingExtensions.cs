using Akka.Actor;
using Akka.Cluster.Hosting;
using Akka.Cluster.Sharding;
using Akka.Hosting;
using UmhActors.Cluster.Serialization;
using UmhActors.Helpers;
using UmhActors.Native.Blobs;
using UmhActors.Supervision;

namespace UmhActors.Cluster.Sharding;

/// <summary>Spreads helpers over an Akka.NET cluster with Akka.Cluster.Sharding:
/// <c>b.WithClustering(…).WithUmhActors().WithShardedHelpers&lt;Shouters&gt;("shouter", blob)</c>, then
/// <c>registry.Get&lt;Shouters&gt;().Ask&lt;HelperResponse&gt;(new ShardedHelperRequest("tenant-42", request))</c>.</summary>
public static class ShardedHelperHostingExtensions
{
    /// <summary>
    /// Starts the shard region <paramref name="typeName"/> (through Akka.Cluster.Hosting's
    /// <c>WithShardRegion</c>) whose entities are <see cref="HelperActor"/>s running
    /// <paramref name="blob"/>, one helper process per entity id, and registers the region in the
    /// <see cref="ActorRegistry"/> under <typeparamref name="TKey"/>. Also binds the UmhActors wire
    /// serializer (<see cref="UmhClusterSerialization"/>) and starts the <see cref="UndeliveredRequestBouncer"/>.
    /// </summary>
    /// <remarks>
    /// <para>Only members with <see cref="ShardedHelperOptions.Role"/> (<c>helpers</c> by default)
    /// host entities; on other members the same call starts the region in proxy mode (Akka's rule for
    /// a member without the role), which forwards requests to the hosting members and needs no helper.</para>
    /// <para>An entity launches its helper on its first request, not when Akka starts it (Akka starts an
    /// entity for any message, a <see cref="ShardedHelperCancel"/> too): a cancel that reaches an entity
    /// that had no request makes it ask its shard to passivate it, and launches nothing. With
    /// remember-entities on, entities launch as they start (Akka restarts them with no message).</para>
    /// <para>Each entity supervises its helper itself with the policy table of <paramref name="options"/>
    /// (or of the system's <c>umh.supervision</c> HOCON when null), exactly as a local helper does; a
    /// failure the table escalates reaches the shard, which restarts the entity. An idle entity is
    /// passivated after <see cref="HelperOptions.IdleTimeout"/>; a hand-off (a member leaving, a
    /// rebalance) or a passivation stops the entity with <see cref="HandOffHelper"/>: the requests given to
    /// its helper finish (bounded by their timeouts and Akka's hand-off timeout), then it stops its helper.</para>
    /// <para>A request Akka drops on its way (a shard region drops the requests it buffered for a shard
    /// at the moment that shard is handed off) is answered at once with
    /// <see cref="Requests.HelperRequestUndeliveredException"/> by the <see cref="UndeliveredRequestBouncer"/>
    /// (registered here); <see cref="ShardedHelperClient"/> retries it at the new owner.</para>
    /// <para>The blob is shared, not owned: the caller disposes it after the host stopped.</para>
    /// </remarks>
    /// <typeparam name="TKey">The registry key of the shard region.</typeparam>
    /// <param name="builder">The Akka.Hosting builder (clustering must be configured too).</param>
    /// <param name="typeName">The entity type name; the same on every member.</param>
    /// <param name="blob">The helper every entity runs.</param>
    /// <param name="options">How each helper runs; null: <see cref="HelperOptions.Default"/> with the system's table.</param>
    /// <param name="sharding">Role, shards, remember-entities, extractor; null: <see cref="ShardedHelperOptions.Default"/>.</param>
    /// <exception cref="ArgumentException"><paramref name="typeName"/> is empty or not a valid actor name.</exception>
    public static AkkaConfigurationBuilder WithShardedHelpers<TKey>(this AkkaConfigurationBuilder builder, string typeName, HelperBlob blob,
        HelperOptions? options = null, ShardedHelperOptions? sharding = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(blob);
        CheckTypeName(typeName);
        var settings = sharding ?? ShardedHelperOptions.Default;
        var shardOptions = new ShardOptions
        {
            Role = settings.Role,
            RememberEntities = settings.RememberEntities,
            RememberEntitiesStore = RememberEntitiesStore.DData,
            StateStoreMode = StateStoreMode.DData,
            // Finish the requests given to the helper before stopping, instead of failing them (PoisonPill).
            HandOffStopMessage = HandOffHelper.Instance,
        };
        if (options?.IdleTimeout is { } idle)
        {
            if (idle == Timeout.InfiniteTimeSpan) shardOptions.ShouldPassivateIdleEntities = false;
            else shardOptions.PassivateIdleEntityAfter = idle;
        }
        return builder
            .WithUmhClusterSerialization()
            .WithExtension<UndeliveredRequestBouncerProvider>()
            .WithShardRegion<TKey>(typeName, (system, _, _) =>
            {
                var resolved = options ?? HelperOptions.Default.WithSupervision(HelperSupervisionPolicy.FromConfig(system.Settings.Config));
                // An entity launches its helper on its first request, so a cancel for an entity that is
                // not running (passivated, handed off, never started) costs no launch: the entity asks its
                // shard to passivate it instead. Remembered entities are started by Akka without any
                // message, to run at once: they launch in PreStart, as a local helper does.
                // Props for each entity: they hold the event subscribers its incarnations share, which
                // must not be every entity's.
                var passivate = new Passivate(HandOffHelper.Instance);
                return settings.RememberEntities
                    ? _ => HelperActor.Props(blob, resolved)
                    : _ => HelperActor.PropsLaunchingOnDemand(blob, resolved, passivate);
            }, settings.Extractor, shardOptions);
    }

    /// <summary>
    /// Starts a proxy of the shard region <paramref name="typeName"/> hosted by the members with
    /// <see cref="ShardedHelperOptions.Role"/>, for a member that must not run helpers (and may not
    /// even have the blob), and registers it under <typeparamref name="TKey"/>. Requests sent to it are
    /// answered exactly as the region's. Also binds the UmhActors wire serializer and starts the
    /// <see cref="UndeliveredRequestBouncer"/>.
    /// </summary>
    /// <param name="builder">The Akka.Hosting builder.</param>
    /// <param name="typeName">The entity type name the hosting members use.</param>
    /// <param name="sharding">Must agree with the hosting members' role, shards and extractor.</param>
    /// <exception cref="ArgumentException"><paramref name="typeName"/> is empty or not a valid actor name.</exception>
    public static AkkaConfigurationBuilder WithShardedHelpersProxy<TKey>(this AkkaConfigurationBuilder builder, string typeName,
        ShardedHelperOptions? sharding = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        CheckTypeName(typeName);
        var settings = sharding ?? ShardedHelperOptions.Default;
        return builder
            .WithUmhClusterSerialization()
            .WithExtension<UndeliveredRequestBouncerProvider>()
            .WithShardRegionProxy<TKey>(typeName, settings.Role ?? string.Empty, settings.Extractor);
    }

    // Checked where the mistake is made rather than when the host starts.
    private static void CheckTypeName(string typeName)
    {
        ArgumentException.ThrowIfNullOrEmpty(typeName);
        if (!ActorPath.IsValidPathElement(typeName))
            throw new ArgumentException($"\"{typeName}\" is not a valid entity type name (letters, digits and -_.*$+:@&=,!~';, not starting with $)", nameof(typeName));
    }
}
