using Akka.Actor;
using UmhActors.Helpers;
using UmhActors.Requests;
using UmhActors.Tests.Shared;
using UmhActors.Tests.Support;
using Xunit.Abstractions;

namespace UmhActors.Tests.Helpers;

/// <summary><see cref="HandOffHelper"/> (the sharded helpers' hand-off stop message): the requests the
/// helper was given finish, later ones are turned away as undelivered, then the actor stops.</summary>
public sealed class HandOffFinishesRequestsInFlight(ITestOutputHelper output) : HelperSpec(output)
{
    [Fact]
    public async Task A_helper_actor_handing_off_answers_its_requests_in_flight_bounces_new_ones_and_then_stops()
    {
        var (actor, pid) = await StartHelperAsync();
        Watch(actor);
        var inFlight = actor.Ask<HelperResponse>(Call("sleep", 1500), Patience);
        await AwaitInFlightAsync(actor);

        actor.Tell(HandOffHelper.Instance);
        var late = actor.Ask<object>(Call("echo", "late"), Patience);

        // Turned away at once (the helper never saw it), while the sleep still runs.
        var bounced = await Assert.ThrowsAsync<HelperRequestUndeliveredException>(() => late);
        Assert.False(inFlight.IsCompleted, "the request in flight ended before the late one was turned away");
        Assert.Equal("echo", bounced.Method);
        Assert.Equal(1500, (await inFlight).GetResult<int>());
        ExpectTerminated(actor, Patience);
        Assert.True(await HostCensus.EventuallyAsync(() => !HostCensus.IsRunning(pid), Patience), $"helper {pid} still runs");
    }

    [Fact]
    public async Task An_idle_helper_actor_stops_at_once_on_hand_off()
    {
        var (actor, pid) = await StartHelperAsync();
        Watch(actor);

        actor.Tell(HandOffHelper.Instance);

        ExpectTerminated(actor, Patience);
        Assert.True(await HostCensus.EventuallyAsync(() => !HostCensus.IsRunning(pid), Patience), $"helper {pid} still runs");
    }

    private static async Task AwaitInFlightAsync(IActorRef actor)
    {
        Assert.True(await HostCensus.EventuallyAsync(
            () => actor.Ask<HelperStatus>(GetHelperStatus.Instance, Patience).GetAwaiter().GetResult().InFlight == 1, Patience),
            "the request never went in flight");
    }
}
