using Akka.Actor;
using Akka.Cluster.Hosting;
using Akka.Hosting;
using Akka.Remote.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using UmhActors.Cluster.Sharding;
using UmhActors.Helpers;
using UmhActors.Hosting;
using UmhActors.Native.Blobs;

namespace UmhActors.ClusterTesting;

/// <summary>The registry key of the cluster tests' sharded test helpers.</summary>
internal sealed class EchoHelpers;

/// <summary>
/// One member of the cluster tests' cluster: an Akka.Hosting host on 127.0.0.1 with a free port,
/// Split Brain Resolver (keep-majority) on, and short cluster timeouts, running the sharded test
/// helper. Shared (linked) by tests/UmhActors.Cluster.Tests and the host process's cluster-node mode,
/// so both sides of a cluster test configure the same cluster.
/// </summary>
internal static class ClusterTestNode
{
    public const string SystemName = "umh-cluster";
    public const string TypeName = "echo";
    public const int Shards = 30;

    // Short intervals so a test waits for Akka's own timers seconds, not minutes: heartbeats every
    // 200 ms, unreachable after ~1.5 s of silence, SBR decides 1.5 s after the membership settles,
    // hand-over and rebalancing retried every few hundred ms.
    public const string Hocon = """
        akka {
          loglevel = WARNING
          stdout-loglevel = WARNING
          log-dead-letters = off
          log-dead-letters-during-shutdown = off
          cluster {
            # Sharding allocates only to members with the newest app-version, which by default is the
            # entry assembly's version: the test host's and the host process's differ.
            app-version = "1.0.0"
            gossip-interval = 200ms
            leader-actions-interval = 200ms
            unreachable-nodes-reaper-interval = 200ms
            periodic-tasks-initial-delay = 100ms
            publish-stats-interval = off
            failure-detector {
              heartbeat-interval = 200ms
              acceptable-heartbeat-pause = 1s
              expected-response-after = 400ms
              threshold = 8.0
            }
            downing-provider-class = "Akka.Cluster.SBR.SplitBrainResolverProvider, Akka.Cluster"
            split-brain-resolver {
              active-strategy = keep-majority
              stable-after = 1.5s
            }
            singleton.hand-over-retry-interval = 200ms
            sharding {
              retry-interval = 200ms
              handoff-timeout = 5s
              shard-start-timeout = 2s
              rebalance-interval = 500ms
              coordinator-failure-backoff = 300ms
              waiting-for-state-timeout = 1s
              updating-state-timeout = 1s
              entity-restart-backoff = 200ms
              distributed-data.gossip-interval = 200ms
              distributed-data.notify-subscribers-interval = 100ms
              # Remembered entities live in distributed data only: its durable (LMDB) store is one
              # directory per process, and the tests run several members in one process.
              distributed-data.durable.keys = []
            }
            distributed-data.gossip-interval = 200ms
            distributed-data.notify-subscribers-interval = 100ms
          }
          remote.retry-gate-closed-for = 200ms
          coordinated-shutdown {
            exit-clr = off
            run-by-clr-shutdown-hook = off
            phases.cluster-exiting.timeout = 3s
            phases.cluster-sharding-shutdown-region.timeout = 6s
          }
        }
        """;

    /// <summary>A host (not started) for one member with <paramref name="roles"/>; with
    /// <paramref name="proxyOnly"/>, a member that registers only a proxy (no blob).</summary>
    public static IHost Build(HelperBlob blob, IReadOnlyList<string> roles, HelperOptions? options = null, int port = 0,
        ShardedHelperOptions? sharding = null, bool proxyOnly = false)
    {
        var shardingOptions = sharding ?? ShardedHelperOptions.Default.WithNumberOfShards(Shards);
        var host = new HostBuilder()
            .ConfigureServices(services => services.AddAkka(SystemName, builder =>
            {
                builder
                    .AddHocon(Hocon, HoconAddMode.Prepend)
                    .WithRemoting("127.0.0.1", port)
                    .WithClustering(new ClusterOptions { Roles = roles.ToArray() })
                    .WithUmhActors();
                if (proxyOnly) builder.WithShardedHelpersProxy<EchoHelpers>(TypeName, shardingOptions);
                else builder.WithShardedHelpers<EchoHelpers>(TypeName, blob, options ?? DefaultOptions, shardingOptions);
            }))
            .Build();
        return host;
    }

    /// <summary>Options of the test helpers: quick restarts, so a crashed entity is back within a test.</summary>
    public static HelperOptions DefaultOptions { get; } = HelperOptions.Default.WithStopGracePeriod(TimeSpan.FromMilliseconds(500));
}
