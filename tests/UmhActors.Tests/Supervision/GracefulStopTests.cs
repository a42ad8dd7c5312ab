using System.Text;
using Akka.Actor;
using UmhActors.Helpers;
using UmhActors.Native.Blobs;
using UmhActors.Requests;
using UmhActors.Tests.Shared;
using UmhActors.Tests.Support;
using Xunit.Abstractions;

namespace UmhActors.Tests.Supervision;

/// <summary>Stopping a helper actor asks its helper to shut down (<c>$/shutdown</c>) before any
/// signal; SIGTERM, then SIGKILL, remain the fallback.</summary>
public sealed class GracefulStopTests(ITestOutputHelper output) : HelperSpec(output)
{
    // [2, "$/shutdown", []]
    private static readonly byte[] ShutdownFrame = [0x93, 0x02, 0xaa, .. "$/shutdown"u8, 0x90];

    [Fact]
    public async Task Stopping_the_actor_sends_shutdown_and_signals_a_helper_that_ignores_it_after_the_grace()
    {
        var received = Path.Combine(Path.GetTempPath(), $"umh-shutdown-{Guid.NewGuid():N}");
        try
        {
            // Says hello ([2, "$/hello", [1, "recorder", 0, []]]), then records what the host sends and ignores it.
            using var blob = HelperBlob.FromBytes("stdin-recorder", Encoding.ASCII.GetBytes(
                $"#!/bin/sh\nprintf '\\223\\002\\247$/hello\\224\\001\\250recorder\\000\\220'\nexec cat > {received}\n"));
            var helper = Sys.ActorOf(HelperActor.Props(blob, HelperOptions.Default.WithStopGracePeriod(TimeSpan.FromMilliseconds(300))));
            var pid = await WaitReadyAsync(helper);

            await EventFilter.Info(contains: "by signal after $/shutdown went unheeded").ExpectOneAsync(Patience, () =>
            {
                Sys.Stop(helper);
                return Task.CompletedTask;
            });
            Assert.False(HostCensus.IsRunning(pid));
            Assert.Equal(ShutdownFrame, await File.ReadAllBytesAsync(received));
        }
        finally
        {
            File.Delete(received);
        }
    }

    [Fact]
    public async Task A_helper_asked_to_shut_down_answers_its_request_in_flight_and_exits_with_code_0()
    {
        var (helper, pid) = await StartHelperAsync(HelperOptions.Default.WithStopGracePeriod(TimeSpan.FromSeconds(10)));
        var notifications = CreateTestProbe();
        await helper.Ask<HelperEventsSubscribed>(new SubscribeHelperEvents(notifications.Ref), Patience);
        var inFlight = new HelperClient(helper).SendAsync(Call("sleep", 300));
        await AwaitInFlightAsync(helper);

        await EventFilter.Info(contains: $"(pid {pid}) stopped on $/shutdown: pid {pid} exited with code 0").ExpectOneAsync(Patience, () =>
        {
            Sys.Stop(helper);
            return Task.CompletedTask;
        });
        // Its handler ran to completion: it was not cancelled as stdin EOF or a signal would have it.
        Assert.False(notifications.HasMessages, "the helper's request was cancelled instead of finished");
        await Assert.ThrowsAsync<HelperStoppedException>(() => inFlight.WaitAsync(Patience));
    }

    private static async Task AwaitInFlightAsync(IActorRef helper)
    {
        var deadline = DateTime.UtcNow + Patience;
        while ((await helper.Ask<HelperStatus>(GetHelperStatus.Instance, Patience)).InFlight == 0)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("the request was never sent");
            await Task.Delay(10);
        }
    }
}
