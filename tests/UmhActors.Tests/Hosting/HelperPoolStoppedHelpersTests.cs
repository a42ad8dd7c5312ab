using System.Diagnostics;
using Akka.Hosting;
using UmhActors.Helpers;
using UmhActors.Hosting;
using UmhActors.Requests;
using UmhActors.Tests.Support;
using static UmhActors.Tests.Hosting.HostedHelperProbe;

namespace UmhActors.Tests.Hosting;

/// <summary>A pool helper whose policy says stop (the default table stops on an admin's kill) leaves the pool:
/// the others take its requests, and with none left a request fails at once, typed.</summary>
public sealed class HelperPoolStoppedHelpersTests : HostingSpec
{
    private sealed class Pool;

    protected override void ConfigureAkka(AkkaConfigurationBuilder builder, IServiceProvider provider) => builder
        .WithUmhActors()
        .WithHelperPool<Pool>("stopping", TestHelperBlob.Instance, 2);

    [Fact]
    public async Task Pool_routes_around_stopped_helpers_and_fails_fast_when_none_is_left()
    {
        var pool = ActorRegistry.For(Sys).Get<Pool>();
        var pids = await HelperPoolProbe.ReadyPidsAsync(pool, 2);
        var client = new HelperClient(pool);

        await KillAsync(pids[0]);
        await AwaitActiveAsync(pool, 1);
        for (var i = 0; i < 4; i++) Assert.Equal(pids[1], await client.CallAsync<int[], int>("pid", []).WaitAsync(Patience));

        await KillAsync(pids[1]);
        await AwaitActiveAsync(pool, 0);
        var started = Stopwatch.StartNew();
        await Assert.ThrowsAsync<HelperStoppedException>(() => client.CallAsync<int[], int>("pid", []).WaitAsync(Patience));
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(2), $"failed after {started.Elapsed}");
    }

    private static async Task KillAsync(int pid)
    {
        using var kill = Process.Start("/bin/kill", ["-KILL", pid.ToString()]);
        await kill.WaitForExitAsync();
    }

    private static async Task AwaitActiveAsync(Akka.Actor.IActorRef pool, int count)
    {
        var deadline = DateTime.UtcNow + Patience;
        while ((await HelperPoolProbe.RouteesAsync(pool)).Active.Count != count)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"the pool never had {count} helpers");
            await Task.Delay(20);
        }
    }
}
