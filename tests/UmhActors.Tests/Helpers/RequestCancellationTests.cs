using Akka.Actor;
using MessagePack;
using UmhActors.Helpers;
using UmhActors.Requests;
using UmhActors.Tests.Support;
using Xunit.Abstractions;

namespace UmhActors.Tests.Helpers;

/// <summary>A caller that stops waiting (its token, or the client's Ask timeout) cancels its request:
/// the helper is sent <c>$/cancel</c>, the slot is free at once, and the caller gets one answer.</summary>
public sealed class RequestCancellationTests(ITestOutputHelper output) : HelperSpec(output)
{
    [Fact]
    public async Task Cancelling_the_callers_token_cancels_the_request_at_the_helper_and_frees_its_slot()
    {
        var (helper, _) = await StartHelperAsync(HelperOptions.Default.WithBounds(maxInFlight: 1, maxQueued: 10));
        var events = await SubscribeAsync(helper);
        var client = new HelperClient(helper);
        using var cts = new CancellationTokenSource();
        var slow = client.SendAsync(Call("sleep", TimeSpan.FromSeconds(30), 30_000), cts.Token);
        await AwaitInFlightAsync(helper, 1);

        cts.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => slow.WaitAsync(Patience));
        // The helper's handler saw its own token fire: $/cancel reached it.
        events.FishForMessage<HelperNotification>(n => n.Method == "cancelled", Patience);
        // The only slot is free long before the cancelled request's 30 s would have run out.
        Assert.Equal(5, await client.CallAsync<int[], int>("add", [2, 3]).WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task Cancelling_a_queued_request_removes_it_from_the_queue()
    {
        var (helper, _) = await StartHelperAsync(HelperOptions.Default.WithBounds(maxInFlight: 1, maxQueued: 10));
        var client = new HelperClient(helper);
        using var runningCts = new CancellationTokenSource();
        var running = client.SendAsync(Call("sleep", TimeSpan.FromSeconds(30), 30_000), runningCts.Token);
        using var cts = new CancellationTokenSource();
        var queued = client.SendAsync(Call("add", 1, 2), cts.Token);
        await AwaitAssertAsync(async () => Assert.Equal(1, (await helper.Ask<HelperStatus>(GetHelperStatus.Instance, Patience)).Queued), Patience);

        cts.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => queued.WaitAsync(Patience));
        // Gone from the queue while the only slot is still taken.
        await AwaitAssertAsync(async () => Assert.Equal((1, 0), await InFlightAndQueuedAsync(helper)), TimeSpan.FromSeconds(5));
        runningCts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running.WaitAsync(Patience));
    }

    [Fact]
    public async Task The_Ask_waits_as_long_as_the_request_timeout_allows()
    {
        var (helper, _) = await StartHelperAsync();
        // The client's fallback Ask timeout is shorter than the request's own timeout.
        var client = new HelperClient(helper, askTimeout: TimeSpan.FromMilliseconds(500));
        var response = await client.SendAsync(Call("sleep", TimeSpan.FromSeconds(10), 1_500)).WaitAsync(Patience);
        Assert.Equal(1_500, MessagePackSerializer.Deserialize<int>(response.RawResult));
    }

    [Fact]
    public async Task An_Ask_that_times_out_cancels_its_request()
    {
        var (helper, _) = await StartHelperAsync(HelperOptions.Default.WithBounds(maxInFlight: 1, maxQueued: 10));
        var events = await SubscribeAsync(helper);
        // No timeout on the request: the actor's 30 s default applies, which this client cuts short.
        var client = new HelperClient(helper, askTimeout: TimeSpan.FromMilliseconds(500));
        await Assert.ThrowsAsync<AskTimeoutException>(() => client.SendAsync(Call("sleep", 30_000)).WaitAsync(Patience));
        events.FishForMessage<HelperNotification>(n => n.Method == "cancelled", Patience);
        await AwaitInFlightAsync(helper, 0);
    }

    [Fact]
    public async Task A_raw_cancel_answers_the_requester_with_OperationCanceledException()
    {
        var (helper, _) = await StartHelperAsync();
        var requester = CreateTestProbe();
        helper.Tell(Call("sleep", 30_000), requester.Ref);
        await AwaitInFlightAsync(helper, 1);
        helper.Tell(new CancelHelperRequest(requester.Ref));
        var failure = requester.ExpectMsg<Status.Failure>(Patience);
        Assert.IsAssignableFrom<OperationCanceledException>(failure.Cause);
        await AwaitInFlightAsync(helper, 0);
    }

    private async Task<Akka.TestKit.TestProbe> SubscribeAsync(IActorRef helper)
    {
        var events = CreateTestProbe();
        await helper.Ask<HelperEventsSubscribed>(new SubscribeHelperEvents(events.Ref), Patience);
        return events;
    }

    private static async Task<(int InFlight, int Queued)> InFlightAndQueuedAsync(IActorRef helper)
    {
        var status = await helper.Ask<HelperStatus>(GetHelperStatus.Instance, Patience);
        return (status.InFlight, status.Queued);
    }

    private async Task AwaitInFlightAsync(IActorRef helper, int expected) =>
        await AwaitAssertAsync(async () => Assert.Equal(expected, (await helper.Ask<HelperStatus>(GetHelperStatus.Instance, Patience)).InFlight), Patience);
}
