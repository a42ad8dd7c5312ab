using Akka.Hosting;
using UmhActors.Helpers;
using UmhActors.Hosting;
using UmhActors.Tests.Support;
using static UmhActors.Tests.Hosting.HostedHelperProbe;

namespace UmhActors.Tests.Hosting;

/// <summary>A smallest-mailbox pool sends requests to the helper with the fewest requests in flight, counting
/// requests that reached a helper by another way than the pool (it reads the helpers' own status).</summary>
public sealed class HelperPoolSmallestMailboxTests : HostingSpec
{
    private sealed class Pool;

    protected override void ConfigureAkka(AkkaConfigurationBuilder builder, IServiceProvider provider) => builder
        .WithUmhActors()
        .WithHelperPool<Pool>("least", TestHelperBlob.Instance, 2, routing: HelperRouting.SmallestMailbox);

    [Fact]
    public async Task Smallest_mailbox_pool_avoids_the_busy_helper()
    {
        var pool = ActorRegistry.For(Sys).Get<Pool>();
        await HelperPoolProbe.ReadyPidsAsync(pool, 2);
        var routees = await HelperPoolProbe.RouteesAsync(pool);
        var busy = routees.Active[0];
        var idlePid = (await HelperPoolProbe.StatusAsync(routees.Active[1])).Pid;

        // Six slow requests straight to the first helper, past the pool.
        var slow = Enumerable.Range(0, 6).Select(_ => new HelperClient(busy).CallAsync<int[], int>("sleep", [2500])).ToArray();
        var deadline = DateTime.UtcNow + Patience;
        while ((await HelperPoolProbe.StatusAsync(busy)).InFlight < 6)
        {
            Assert.True(DateTime.UtcNow < deadline, "the slow requests never were in flight");
            await Task.Delay(10);
        }

        // Once the pool has polled the load (within a poll or two), every request goes to the idle helper.
        var client = new HelperClient(pool);
        while (await client.CallAsync<int[], int>("pid", []).WaitAsync(Patience) != idlePid)
        {
            Assert.True(DateTime.UtcNow < deadline, "the pool never routed to the idle helper");
            await Task.Delay(20);
        }
        for (var i = 0; i < 4; i++) Assert.Equal(idlePid, await client.CallAsync<int[], int>("pid", []).WaitAsync(Patience));
        await Task.WhenAll(slow).WaitAsync(Patience);
    }
}
