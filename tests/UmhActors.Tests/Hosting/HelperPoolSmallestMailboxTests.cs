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

        // Forty slow requests straight to the first helper, past the pool: more than the quick requests below
        // can add to the idle helper's estimate between two polls.
        var slow = Enumerable.Range(0, 40).Select(_ => new HelperClient(busy).CallAsync<int[], int>("sleep", [2500])).ToArray();
        var deadline = DateTime.UtcNow + Patience;
        while ((await HelperPoolProbe.StatusAsync(busy)).InFlight < 40)
        {
            Assert.True(DateTime.UtcNow < deadline, "the slow requests never were in flight");
            await Task.Delay(10);
        }

        // Once the pool has polled the load (within a poll or two), every request goes to the idle helper.
        // Until then its estimates alternate the two; three idle answers in a row mean it has seen the load.
        var client = new HelperClient(pool);
        for (var inARow = 0; inARow < 3;)
        {
            Assert.True(DateTime.UtcNow < deadline, "the pool never kept to the idle helper");
            inARow = await client.CallAsync<int[], int>("pid", []).WaitAsync(Patience) == idlePid ? inARow + 1 : 0;
        }
        for (var i = 0; i < 4; i++) Assert.Equal(idlePid, await client.CallAsync<int[], int>("pid", []).WaitAsync(Patience));
        await Task.WhenAll(slow).WaitAsync(Patience);
    }
}
