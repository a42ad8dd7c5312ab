using Akka.Actor;
using UmhActors.Guardian;
using UmhActors.Helpers;
using UmhActors.Requests;
using UmhActors.Tests.Support;
using Xunit.Abstractions;

namespace UmhActors.Tests.Requests;

/// <summary>A request waiting in the queue (for the helper to start, or for an in-flight slot) is
/// bounded by its own timeout, not by whatever it waits for.</summary>
public sealed class QueuedRequestTimeoutTests(ITestOutputHelper output) : HelperSpec(output)
{
    [Fact]
    public async Task A_request_queued_behind_a_waiting_launch_fails_at_its_own_timeout()
    {
        var guardian = UmhGuardian.Get(Sys);
        await guardian.FreezeAsync(Patience);
        try
        {
            var helper = Sys.ActorOf(HelperActor.Props(TestHelperBlob.Instance));
            var failure = await Assert.ThrowsAsync<HelperTimeoutException>(() =>
                new HelperClient(helper).SendAsync(Call("echo", TimeSpan.FromMilliseconds(300), 1)).WaitAsync(Patience));
            Assert.False(failure.WasSent);
            Assert.Equal(TimeSpan.FromMilliseconds(300), failure.Timeout);
            // It ran out while the launch still waited: no helper ever saw it.
            Assert.Equal(0, (await helper.Ask<HelperStatus>(GetHelperStatus.Instance, Patience)).Pid);
        }
        finally
        {
            await guardian.EnableAsync();
        }
    }

    [Fact]
    public async Task A_request_queued_behind_a_full_in_flight_window_fails_at_its_own_timeout()
    {
        var (helper, _) = await StartHelperAsync(HelperOptions.Default.WithBounds(maxInFlight: 1, maxQueued: 10));
        var client = new HelperClient(helper);
        var sleeping = client.SendAsync(Call("sleep", TimeSpan.FromSeconds(30), 10_000));
        await AwaitInFlightAsync(helper, 1);
        var failure = await Assert.ThrowsAsync<HelperTimeoutException>(() =>
            client.SendAsync(Call("echo", TimeSpan.FromMilliseconds(300), 1)).WaitAsync(Patience));
        Assert.False(failure.WasSent);
        // The slot it waited for was never freed: its own timeout ended the wait.
        Assert.False(sleeping.IsCompleted);
    }

    private static async Task AwaitInFlightAsync(IActorRef helper, int count)
    {
        var deadline = DateTime.UtcNow + Patience;
        while ((await helper.Ask<HelperStatus>(GetHelperStatus.Instance, Patience)).InFlight != count)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"never {count} in flight");
            await Task.Delay(20);
        }
    }
}
