using System.Diagnostics;
using Akka.Actor;
using Akka.Cluster.Hosting;
using Akka.Cluster.Sharding;
using Akka.Hosting;
using Akka.Remote.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using UmhActors.Benchmarks.Infrastructure;
using UmhActors.Cluster.Sharding;
using UmhActors.Helpers;
using UmhActors.Hosting;
using UmhActors.Native.Blobs;
using UmhActors.Requests;

namespace UmhActors.Benchmarks.Suites;

/// <summary>
/// Sharded helpers on three cluster members in this process over loopback TCP (Akka.Remote): the
/// round trip of a 32-byte echo to an entity on the caller's own member (<c>local</c>: the shard
/// region delivers in-process) and on another member (<c>remote</c>: request and answer cross
/// Akka.Remote through the UmhActors serializer), rotated block by block, with their p50 ratio
/// (<c>remote_over_local_p50</c>); then requests/s with 64 callers spread over the three members,
/// each on its own entity (<c>throughput_64_callers</c>).
/// </summary>
internal sealed class ClusterSuite : IBenchmarkSuite
{
    private const string Hocon = """
        akka {
          loglevel = ERROR
          stdout-loglevel = ERROR
          log-dead-letters = off
          cluster {
            app-version = "1.0.0"
            gossip-interval = 200ms
            leader-actions-interval = 200ms
            sharding.retry-interval = 200ms
          }
          coordinated-shutdown { exit-clr = off, run-by-clr-shutdown-hook = off }
        }
        """;

    public string Name => "cluster";

    public async Task<IReadOnlyList<BenchmarkResult>> RunAsync(BenchmarkOptions options)
    {
        using var blob = BenchHelper.Blob();
        var hosts = new List<IHost>();
        try
        {
            for (var i = 0; i < 3; i++) hosts.Add(await StartAsync(blob));
            var clusters = hosts.Select(h => Akka.Cluster.Cluster.Get(h.Services.GetRequiredService<ActorSystem>())).ToArray();
            foreach (var cluster in clusters) await cluster.JoinAsync(clusters[0].SelfAddress);
            var regions = hosts.Select(h => h.Services.GetRequiredService<ActorRegistry>().Get<BenchHelpers>()).ToArray();
            await WaitForRegionsAsync(regions[0], 3);

            // Entities on every member, then one on the caller's member and one elsewhere.
            var payload = BenchHelper.Payload32();
            await Task.WhenAll(Enumerable.Range(0, 60).Select(i => regions[0].Ask<HelperResponse>(Request($"e-{i}", payload), TimeSpan.FromSeconds(30))));
            var local = (await EntitiesAsync(regions[0])).First();
            var remote = (await EntitiesAsync(regions[1])).First();
            var localRequest = Request(local, payload);
            var remoteRequest = Request(remote, payload);

            var rounds = options.Iterations(full: 20_000, quick: 500);
            var warmup = options.Iterations(full: 2_000, quick: 100);
            var localUs = new List<double>(rounds);
            var remoteUs = new List<double>(rounds);
            const int block = 250;
            for (var i = 0; i < warmup + rounds; i += block)
            {
                var measured = i >= warmup;
                // Alternate which goes first so that a noisy moment hits both alike.
                var order = i / block % 2 == 0 ? new[] { 0, 1 } : new[] { 1, 0 };
                foreach (var v in order)
                {
                    var (request, samples) = v == 0 ? (localRequest, localUs) : (remoteRequest, remoteUs);
                    for (var j = 0; j < block; j++)
                    {
                        var start = Stopwatch.GetTimestamp();
                        await regions[0].Ask<HelperResponse>(request, TimeSpan.FromSeconds(10));
                        if (measured) samples.Add(BenchHelper.Us(start));
                    }
                }
            }
            var localResult = BenchmarkResult.Latency("local", localUs);
            var remoteResult = BenchmarkResult.Latency("remote", remoteUs);

            // 64 callers, a third on each member, each asking its own entity in a loop.
            const int callers = 64;
            var perCaller = options.Iterations(full: 2_000, quick: 50);
            await Task.WhenAll(Enumerable.Range(0, callers).Select(c => regions[c % 3].Ask<HelperResponse>(Request($"t-{c}", payload), TimeSpan.FromSeconds(30))));
            var clock = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, callers).Select(c => Task.Run(async () =>
            {
                var request = Request($"t-{c}", payload);
                for (var j = 0; j < perCaller; j++) await regions[c % 3].Ask<HelperResponse>(request, TimeSpan.FromSeconds(30));
            })));
            var throughput = callers * perCaller / clock.Elapsed.TotalSeconds;

            return
            [
                localResult,
                remoteResult,
                BenchmarkResult.Value("remote_over_local_p50", remoteResult["p50_us"] / localResult["p50_us"]),
                BenchmarkResult.Value("remote_over_local_p99", remoteResult["p99_us"] / localResult["p99_us"]),
                BenchmarkResult.Throughput("throughput_64_callers", throughput, callers * perCaller),
            ];
        }
        finally
        {
            await Task.WhenAll(hosts.Select(async h =>
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                await h.StopAsync(timeout.Token);
                h.Dispose();
            }));
        }
    }

    private static ShardedHelperRequest Request(string entity, byte[] payload) => new(entity, new HelperRequest("echo", payload));

    private static async Task<IHost> StartAsync(HelperBlob blob)
    {
        var host = new HostBuilder()
            .ConfigureServices(services => services.AddAkka("umh-bench", builder => builder
                .AddHocon(Hocon, HoconAddMode.Prepend)
                .WithRemoting("127.0.0.1", 0)
                .WithClustering(new ClusterOptions { Roles = ["helpers"] })
                .WithUmhActors()
                .WithShardedHelpers<BenchHelpers>("bench", blob, HelperOptions.Default, ShardedHelperOptions.Default.WithNumberOfShards(30))))
            .Build();
        await host.StartAsync();
        return host;
    }

    private static async Task<IReadOnlyList<string>> EntitiesAsync(IActorRef region)
    {
        var state = await region.Ask<CurrentShardRegionState>(GetShardRegionState.Instance, TimeSpan.FromSeconds(10));
        return state.Shards.SelectMany(s => s.EntityIds).ToList();
    }

    private static async Task WaitForRegionsAsync(IActorRef region, int count)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while ((await region.Ask<CurrentRegions>(GetCurrentRegions.Instance, TimeSpan.FromSeconds(10))).Regions.Count < count)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"the coordinator did not see {count} regions within 60 s");
            await Task.Delay(100);
        }
    }

    /// <summary>The registry key of the suite's shard region.</summary>
    private sealed class BenchHelpers;
}
