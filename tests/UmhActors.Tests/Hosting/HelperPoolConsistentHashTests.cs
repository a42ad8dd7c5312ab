using Akka.Hosting;
using UmhActors.Helpers;
using UmhActors.Hosting;
using UmhActors.Requests;
using UmhActors.Tests.Support;
using static UmhActors.Tests.Hosting.HostedHelperProbe;

namespace UmhActors.Tests.Hosting;

/// <summary>A consistent-hash pool sends requests with one <see cref="HelperRequest.RoutingKey"/> to one helper,
/// and different keys to different helpers.</summary>
public sealed class HelperPoolConsistentHashTests : HostingSpec
{
    private sealed class Pool;

    protected override void ConfigureAkka(AkkaConfigurationBuilder builder, IServiceProvider provider) => builder
        .WithUmhActors()
        .WithHelperPool<Pool>("hashed", TestHelperBlob.Instance, 4, routing: HelperRouting.ConsistentHash);

    [Fact]
    public async Task Consistent_hash_pool_sends_one_key_to_one_helper()
    {
        var pool = ActorRegistry.For(Sys).Get<Pool>();
        var pids = await HelperPoolProbe.ReadyPidsAsync(pool, 4);
        var client = new HelperClient(pool);
        var byKey = new Dictionary<string, int>();
        for (var round = 0; round < 3; round++)
        {
            for (var k = 0; k < 13; k++)
            {
                var key = $"tenant-{k}";
                var response = await client.SendAsync(HelperRequest.WithoutParams("pid") with { RoutingKey = key }).WaitAsync(Patience);
                var pid = response.GetResult<int>();
                if (byKey.TryGetValue(key, out var first)) Assert.Equal(first, pid);
                else byKey[key] = pid;
            }
        }

        // 13 keys (not a multiple of 4, so round-robin would move them between rounds) over 4 helpers: more than one helper is used, and only the pool's own.
        Assert.True(byKey.Values.Distinct().Count() > 1, "every key went to one helper");
        Assert.All(byKey.Values, pid => Assert.Contains(pid, pids));
    }
}
