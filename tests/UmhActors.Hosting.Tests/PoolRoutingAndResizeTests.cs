using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using UmhActors.Helpers;
using UmhActors.Hosting.Tests.Support;
using UmhActors.Tests.Shared;

namespace UmhActors.Hosting.Tests;

/// <summary>A pool whose size and routing come from its configuration section spreads requests
/// round-robin over its helpers, grows on <see cref="ResizeHelperPool"/>, and shrinks with the surplus
/// helpers' processes gone.</summary>
public sealed class PoolRoutingAndResizeTests(ITestOutputHelper output) : HelperTestKit(output)
{
    private const string Section = "Helpers:Shouters";

    private sealed class Shouters;

    protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
        [new($"{Section}:Pool:Size", "2"), new($"{Section}:Pool:Routing", "RoundRobin"), new($"{Section}:MaxInFlight", "4")];

    protected override void ConfigureServices(Microsoft.Extensions.Hosting.HostBuilderContext context, IServiceCollection services) =>
        services.AddHelperClient<Shouters>(Patience);

    protected override void ConfigureAkka(AkkaConfigurationBuilder builder, IServiceProvider provider) => builder
        .WithUmhActors()
        .WithHelperPool<Shouters>("shouters", TestHelperBlob.Instance, provider.GetRequiredService<IConfiguration>().GetSection(Section));

    [Fact]
    public async Task Pool_sized_by_its_section_answers_round_robin()
    {
        var pool = await ActorRegistry.GetAsync<Shouters>();
        var pids = await ReadyPidsAsync(pool, 2);
        var client = Host.Services.GetRequiredService<HelperClient<Shouters>>();

        var answers = new List<int>();
        for (var i = 0; i < 6; i++) answers.Add(await client.CallAsync<int[], int>("pid", []).WaitAsync(Patience));

        Assert.Equal(pids.Order(), answers.Distinct().Order());
        Assert.All(answers.GroupBy(pid => pid), group => Assert.Equal(3, group.Count()));
    }

    [Fact]
    public async Task Resized_pool_launches_new_helpers_and_stops_the_surplus_ones()
    {
        var pool = await ActorRegistry.GetAsync<Shouters>();
        var first = await ReadyPidsAsync(pool, 2);

        pool.Tell(new ResizeHelperPool(4));
        var grown = await ReadyPidsAsync(pool, 4);
        Assert.Subset(grown.ToHashSet(), first.ToHashSet());

        pool.Tell(new ResizeHelperPool(1));
        var kept = Assert.Single(await ReadyPidsAsync(pool, 1));
        var surplus = grown.Where(pid => pid != kept).ToArray();
        Assert.Equal(3, surplus.Length);
        Assert.True(await HostCensus.EventuallyAsync(() => surplus.All(pid => HostCensus.ReadStat($"/proc/{pid}") is null), Patience),
            "a surplus helper process is still there");
        Assert.True(await HostCensus.EventuallyAsync(() => pool.Ask<HelperPoolRoutees>(GetHelperPoolRoutees.Instance, Patience).Result.Draining.Count == 0, Patience));
        Assert.Equal(kept, await Host.Services.GetRequiredService<HelperClient<Shouters>>().CallAsync<int[], int>("pid", []).WaitAsync(Patience));
    }

    private static async Task<int[]> ReadyPidsAsync(IActorRef pool, int expected)
    {
        int[] pids = [];
        Assert.True(await HostCensus.EventuallyAsync(() =>
        {
            var routees = pool.Ask<HelperPoolRoutees>(GetHelperPoolRoutees.Instance, Patience).Result;
            var statuses = routees.Active.Select(r => r.Ask<HelperStatus>(GetHelperStatus.Instance, Patience).Result).ToArray();
            pids = [.. statuses.Select(s => s.Pid)];
            return statuses.Length == expected && statuses.All(s => s.Ready && s.Pid > 0);
        }, Patience), $"the pool never had {expected} ready helpers");
        return pids;
    }
}
