using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using UmhActors.Hosting;
using UmhActors.Tests.Support;
using static UmhActors.Tests.Hosting.HostedHelperProbe;

namespace UmhActors.Tests.Hosting;

/// <summary>A pool registered with <c>WithHelperPool</c> in a real Generic Host: stopping the host stops every
/// helper of the pool, draining ones included; bad arguments are refused where the pool is registered.</summary>
public sealed class HelperPoolShutdownTests
{
    private sealed class Pool;

    [Fact]
    public async Task Stopping_the_host_leaves_no_process_of_a_pool_behind()
    {
        var poolAlive = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var host = BuildHost(services => services.AddAkka("pool-host", b => b
            .WithUmhActors()
            .WithHelperPool<Pool>("pool", TestHelperBlob.Instance, 3)
            .AddStartup((system, registry) =>
                // Once the service phases are over, before the ActorSystem terminates: the pool is already stopped.
                CoordinatedShutdown.Get(system).AddTask(CoordinatedShutdown.PhaseBeforeActorSystemTerminate, "probe", async () =>
                {
                    var identity = await registry.Get<Pool>().Ask<ActorIdentity>(new Identify(null), Patience);
                    poolAlive.SetResult(identity.Subject is not null);
                    return Akka.Done.Instance;
                }))));
        await host.StartAsync().WaitAsync(Patience);
        int[] pids;
        try
        {
            var pool = await host.Services.GetRequiredService<IRequiredActor<Pool>>().GetAsync().WaitAsync(Patience);
            pids = await HelperPoolProbe.ReadyPidsAsync(pool, 3);
            // One helper draining a slow request when the host stops.
            _ = new UmhActors.Helpers.HelperClient(pool).CallAsync<int[], int>("sleep", [10_000]);
            _ = new UmhActors.Helpers.HelperClient(pool).CallAsync<int[], int>("sleep", [10_000]);
            _ = new UmhActors.Helpers.HelperClient(pool).CallAsync<int[], int>("sleep", [10_000]);
            var shrunk = await pool.Ask<HelperPoolRoutees>(new ResizeHelperPool(2), Patience);
            Assert.Single(shrunk.Draining);
        }
        finally
        {
            await host.StopAsync().WaitAsync(Patience);
        }

        Assert.False(await poolAlive.Task.WaitAsync(Patience), "the pool was still running when the service phases ended");
        Assert.True(await HelperPoolProbe.ProcessesGoneAsync(pids), "a helper of the pool outlived the host");
    }

    [Fact]
    public void A_pool_without_helpers_is_refused_where_it_is_registered()
    {
        var builder = new AkkaConfigurationBuilder(new ServiceCollection(), "sizes");
        Assert.Throws<ArgumentOutOfRangeException>(() => builder.WithHelperPool<Pool>("pool", TestHelperBlob.Instance, 0));
        Assert.Throws<ArgumentException>(() => builder.WithHelperPool<Pool>("not/valid", TestHelperBlob.Instance, 2));
    }
}
