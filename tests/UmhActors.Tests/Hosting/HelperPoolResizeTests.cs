using Akka.Actor;
using Akka.Hosting;
using UmhActors.Helpers;
using UmhActors.Hosting;
using UmhActors.Tests.Support;
using static UmhActors.Tests.Hosting.HostedHelperProbe;

namespace UmhActors.Tests.Hosting;

/// <summary><see cref="ResizeHelperPool"/>: growing launches new helpers that take requests; shrinking lets
/// the surplus helpers answer what they hold, then their processes exit.</summary>
public sealed class HelperPoolResizeTests : HostingSpec
{
    private sealed class Pool;

    protected override void ConfigureAkka(AkkaConfigurationBuilder builder, IServiceProvider provider) => builder
        .WithUmhActors()
        .WithHelperPool<Pool>("resized", TestHelperBlob.Instance, 2);

    [Fact]
    public async Task Resized_pool_launches_new_helpers_and_drains_surplus_ones_before_they_stop()
    {
        var pool = ActorRegistry.For(Sys).Get<Pool>();
        var before = await HelperPoolProbe.ReadyPidsAsync(pool, 2);

        var grown = await pool.Ask<HelperPoolRoutees>(new ResizeHelperPool(4), Patience);
        Assert.Equal(4, grown.Active.Count);
        var pids = await HelperPoolProbe.ReadyPidsAsync(pool, 4);
        Assert.Subset(pids.ToHashSet(), before.ToHashSet());
        var client = new HelperClient(pool);
        var answers = new HashSet<int>();
        for (var i = 0; i < 8; i++) answers.Add(await client.CallAsync<int[], int>("pid", []).WaitAsync(Patience));
        Assert.Equal(pids.Order(), answers.Order());

        // One slow request on each helper (round-robin), in flight at the helper when the pool shrinks.
        var slow = Enumerable.Range(0, 4).Select(_ => client.CallAsync<int[], int>("sleep", [1500])).ToArray();
        foreach (var routee in grown.Active)
            await AwaitInFlightAsync(routee);
        var shrunk = await pool.Ask<HelperPoolRoutees>(new ResizeHelperPool(1), Patience);
        Assert.Single(shrunk.Active);
        Assert.Equal(3, shrunk.Draining.Count);

        // Every slow request is answered, not failed by the stop.
        Assert.All(await Task.WhenAll(slow).WaitAsync(Patience), ms => Assert.Equal(1500, ms));
        var kept = (await HelperPoolProbe.StatusAsync(shrunk.Active[0])).Pid;
        Assert.True(await HelperPoolProbe.ProcessesGoneAsync(pids.Where(pid => pid != kept)), "a surplus helper is still running");
        Assert.Empty((await HelperPoolProbe.RouteesAsync(pool)).Draining);
        Assert.Equal(kept, await client.CallAsync<int[], int>("pid", []).WaitAsync(Patience));
    }

    [Fact]
    public async Task Resizing_a_pool_below_one_helper_fails_and_changes_nothing()
    {
        var pool = ActorRegistry.For(Sys).Get<Pool>();
        // The Ask unwraps the Status.Failure the pool answers with.
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => pool.Ask<HelperPoolRoutees>(new ResizeHelperPool(0), Patience));
        Assert.Equal(2, (await HelperPoolProbe.ReadyPidsAsync(pool, 2)).Length);
    }

    private static async Task AwaitInFlightAsync(IActorRef routee)
    {
        var deadline = DateTime.UtcNow + Patience;
        while ((await HelperPoolProbe.StatusAsync(routee)).InFlight == 0)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{routee.Path.Name} never had the request in flight");
            await Task.Delay(10);
        }
    }
}
