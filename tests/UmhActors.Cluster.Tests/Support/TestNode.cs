using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using UmhActors.ClusterTesting;

namespace UmhActors.Cluster.Tests.Support;

/// <summary>One in-process member of a <see cref="TestCluster"/>.</summary>
internal sealed class TestNode
{
    public TestNode(IHost host)
    {
        Host = host;
        System = host.Services.GetRequiredService<ActorSystem>();
        Cluster = Akka.Cluster.Cluster.Get(System);
        Region = host.Services.GetRequiredService<ActorRegistry>().Get<EchoHelpers>();
    }

    public IHost Host { get; }

    public ActorSystem System { get; }

    public Akka.Cluster.Cluster Cluster { get; }

    /// <summary>The echo helpers' shard region (or proxy) on this member.</summary>
    public IActorRef Region { get; }

    public Address Address => Cluster.SelfAddress;

    public bool Terminated => System.WhenTerminated.IsCompleted;

    /// <summary>The entity ids running on this member now.</summary>
    public async Task<HashSet<string>> EntityIdsAsync()
    {
        var state = await Region.Ask<CurrentShardRegionState>(GetShardRegionState.Instance, TimeSpan.FromSeconds(10));
        return state.Shards.SelectMany(s => s.EntityIds).ToHashSet();
    }

    /// <summary>The shards this member hosts now.</summary>
    public async Task<HashSet<string>> ShardIdsAsync()
    {
        var state = await Region.Ask<CurrentShardRegionState>(GetShardRegionState.Instance, TimeSpan.FromSeconds(10));
        return state.Shards.Select(s => s.ShardId).ToHashSet();
    }
}
