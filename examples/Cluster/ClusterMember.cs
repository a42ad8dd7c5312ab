using Akka.Actor;
using Akka.Cluster.Hosting;
using Akka.Cluster.Sharding;
using Akka.Hosting;
using Akka.Remote.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using UmhActors.Cluster.Sharding;
using UmhActors.Helpers;
using UmhActors.Hosting;
using UmhActors.Native.Blobs;

namespace ClusterExample;

/// <summary>One member of the example's cluster: an Akka.Hosting host running the sharded shouters
/// (or only a proxy to them, for a member without the <c>helpers</c> role).</summary>
internal sealed class ClusterMember
{
    public const string SystemName = "umh-example";
    public const string TypeName = "shouter";

    // Short failure detection and a quick Split Brain Resolver so the demo's failover takes seconds.
    private const string Hocon = """
        akka {
          loglevel = ERROR
          stdout-loglevel = ERROR
          log-dead-letters = off
          cluster {
            app-version = "1.0.0"
            failure-detector { heartbeat-interval = 500ms, acceptable-heartbeat-pause = 3s }
            split-brain-resolver { active-strategy = keep-majority, stable-after = 3s }
            downing-provider-class = "Akka.Cluster.SBR.SplitBrainResolverProvider, Akka.Cluster"
            sharding { rebalance-interval = 1s, retry-interval = 250ms, handoff-timeout = 10s }
          }
          coordinated-shutdown { exit-clr = off, phases.cluster-sharding-shutdown-region.timeout = 10s }
        }
        """;

    private ClusterMember(IHost host)
    {
        Host = host;
        System = host.Services.GetRequiredService<ActorSystem>();
        Cluster = Akka.Cluster.Cluster.Get(System);
        Region = host.Services.GetRequiredService<ActorRegistry>().Get<Shouters>();
    }

    public IHost Host { get; }

    public ActorSystem System { get; }

    public Akka.Cluster.Cluster Cluster { get; }

    public IActorRef Region { get; }

    public string Name => $"{Cluster.SelfAddress.Host}:{Cluster.SelfAddress.Port}";

    /// <summary>Starts a member listening on <paramref name="hostname"/>:<paramref name="port"/> (0: a free port).</summary>
    /// <param name="quiet">Log nothing: the one-process demo downs a member on purpose, and Akka logs
    /// the survivors' broken associations with it as errors.</param>
    public static async Task<ClusterMember> StartAsync(HelperBlob blob, string role, string hostname, int port, string? publicHostname = null, bool quiet = false)
    {
        var host = new HostBuilder()
            .ConfigureServices(services => services.AddAkka(SystemName, builder => builder
                .AddHocon(Hocon, HoconAddMode.Prepend)
                .AddHocon(quiet ? "akka.loglevel = OFF\nakka.stdout-loglevel = OFF" : "", HoconAddMode.Prepend)
                .WithRemoting(new RemoteOptions { HostName = hostname, Port = port, PublicHostName = publicHostname })
                .WithClustering(new ClusterOptions { Roles = [role] })
                .WithUmhActors()
                .WithShardedHelpers<Shouters>(TypeName, blob, HelperOptions.Default.WithIdleTimeout(TimeSpan.FromMinutes(2)))))
            .Build();
        await host.StartAsync();
        return new ClusterMember(host);
    }

    /// <summary>How many entities (helper processes) this member hosts now.</summary>
    public async Task<int> EntityCountAsync()
    {
        if (System.WhenTerminated.IsCompleted) return 0;
        var state = await Region.Ask<CurrentShardRegionState>(GetShardRegionState.Instance, TimeSpan.FromSeconds(10));
        return state.Shards.Sum(s => s.EntityIds.Count);
    }

    public async Task StopAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await Host.StopAsync(timeout.Token);
        Host.Dispose();
    }
}
