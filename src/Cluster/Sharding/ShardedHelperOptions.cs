using Akka.Cluster.Sharding;

namespace UmhActors.Cluster.Sharding;

/// <summary>
/// How helpers are sharded over the cluster. Immutable; start from <see cref="Default"/> and use
/// <c>With…</c>. What each helper process does (timeouts, bounds, supervision, idle passivation)
/// is <see cref="Helpers.HelperOptions"/>; this is about where entities live.
/// </summary>
public sealed record ShardedHelperOptions
{
    /// <summary>The role that hosts entities by default: <c>helpers</c>.</summary>
    public const string DefaultRole = "helpers";

    /// <summary>Defaults: role <c>helpers</c>, 100 shards, the <see cref="ShardedHelperMessageExtractor"/>,
    /// remember-entities off.</summary>
    public static ShardedHelperOptions Default { get; } = new();

    /// <summary>Only cluster members with this role host entities (run helper processes); on the
    /// others the same registration starts a proxy (Akka starts a shard region in proxy mode on a
    /// node without the role). Null: every member hosts entities.</summary>
    public string? Role { get; init; } = DefaultRole;

    /// <summary>Shards the entity ids are hashed into (the unit that moves between nodes); the same on every node.</summary>
    public int NumberOfShards { get; init; } = 100;

    /// <summary>Restart the entities that were running on a node that left or died, on their new
    /// node, without waiting for a request (Akka's remember-entities, stored in distributed data).
    /// Off by default: a helper is started by its next request.</summary>
    public bool RememberEntities { get; init; }

    /// <summary>Maps messages to entity ids and shards; null: a <see cref="ShardedHelperMessageExtractor"/>
    /// over <see cref="NumberOfShards"/> shards. A user extractor must give the entity a
    /// <see cref="Requests.HelperRequest"/> (or another message a <see cref="Helpers.HelperActor"/> handles).
    /// It need not route <see cref="ShardedHelperCancel"/>: a cancel it leaves unrouted goes where it
    /// sends a <see cref="ShardedHelperRequest"/> with the same entity id, as a
    /// <see cref="Helpers.CancelHelperRequest"/>.</summary>
    public IMessageExtractor? MessageExtractor { get; init; }

    /// <summary>These options with another hosting role (null: every member hosts).</summary>
    public ShardedHelperOptions WithRole(string? role) => this with { Role = string.IsNullOrWhiteSpace(role) ? null : role };

    /// <summary>These options with another number of shards.</summary>
    public ShardedHelperOptions WithNumberOfShards(int shards)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(shards, 1);
        return this with { NumberOfShards = shards };
    }

    /// <summary>These options with remember-entities on or off.</summary>
    public ShardedHelperOptions WithRememberEntities(bool remember) => this with { RememberEntities = remember };

    /// <summary>These options with a message extractor of the user's.</summary>
    public ShardedHelperOptions WithMessageExtractor(IMessageExtractor extractor) =>
        this with { MessageExtractor = extractor ?? throw new ArgumentNullException(nameof(extractor)) };

    internal IMessageExtractor Extractor => MessageExtractor is { } user
        ? new CancelRoutingMessageExtractor(user)
        : new ShardedHelperMessageExtractor(NumberOfShards);
}
