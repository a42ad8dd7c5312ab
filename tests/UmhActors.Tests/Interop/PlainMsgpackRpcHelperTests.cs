using Akka.Actor;
using MessagePack;
using UmhActors.Helpers;
using UmhActors.Native.Blobs;
using UmhActors.Requests;
using UmhActors.Tests.Shared;
using UmhActors.Tests.Support;
using Xunit.Abstractions;

namespace UmhActors.Tests.Interop;

/// <summary><see cref="HelperOptions.WithPlainMsgpackRpc"/>: a helper that speaks msgpack-rpc and
/// none of our control methods (a Python script on python3-msgpack that records every method it is
/// sent) is ready on spawn, is never sent a <c>$/</c> method, and stops on stdin EOF.</summary>
public sealed class PlainMsgpackRpcHelperTests(ITestOutputHelper output) : HelperSpec(output)
{
    private static readonly HelperOptions Plain = HelperOptions.Default.WithPlainMsgpackRpc();

    private static HelperBlob Blob() =>
        HelperBlob.FromResource(typeof(PlainMsgpackRpcHelperTests).Assembly, "interop:plain_rpc_helper", "plainrpc");

    private static async Task<string[]> SeenAsync(IActorRef helper) =>
        MessagePackSerializer.Deserialize<string[]>((await helper.Ask<HelperResponse>(Call("seen"), Patience)).RawResult);

    [Fact]
    public async Task Plain_helper_is_ready_on_spawn_and_answers_requests()
    {
        using var blob = Blob();
        var helper = Sys.ActorOf(HelperActor.Props(blob, Plain));
        // Numbers: the helper reads raw, so a str in the params would come back as bin.
        var response = await helper.Ask<HelperResponse>(Call("echo", 1.5, 7), Patience);
        Assert.Equal("[1.5,7]", MessagePackSerializer.ConvertToJson(response.RawResult));
        Assert.True((await helper.Ask<HelperStatus>(GetHelperStatus.Instance, Patience)).Ready);
    }

    [Fact]
    public async Task A_request_that_times_out_fails_without_a_cancel_being_sent()
    {
        using var blob = Blob();
        var helper = Sys.ActorOf(HelperActor.Props(blob, Plain));
        // Served first, so the sleep below is sent at once instead of expiring in the queue.
        await helper.Ask<HelperResponse>(Call("pid"), Patience);
        var timedOut = await Assert.ThrowsAsync<HelperTimeoutException>(() =>
            helper.Ask<HelperResponse>(Call("sleep", TimeSpan.FromMilliseconds(200), 3_000), Patience));
        Assert.True(timedOut.WasSent);
        Assert.Equal(["pid", "sleep", "seen"], await SeenAsync(helper));
    }

    [Fact]
    public async Task A_watchdog_set_on_plain_options_never_pings_nor_kills_the_helper()
    {
        using var blob = Blob();
        // Set around WithWatchdog's guard, as configuration binding could: the actor still ignores it.
        var options = Plain with { Watchdog = new WatchdogOptions(TimeSpan.FromMilliseconds(20), TimeSpan.FromMilliseconds(100)) };
        var helper = Sys.ActorOf(HelperActor.Props(blob, options));
        var pid = MessagePackSerializer.Deserialize<int>((await helper.Ask<HelperResponse>(Call("pid"), Patience)).RawResult);
        // Longer than many watchdog rounds: a pinged helper that never pongs would be killed as hung.
        await helper.Ask<HelperResponse>(Call("sleep", 600), Patience);
        Assert.Equal(["pid", "sleep", "seen"], await SeenAsync(helper));
        Assert.Equal(pid, (await helper.Ask<HelperStatus>(GetHelperStatus.Instance, Patience)).Pid);
    }

    [Fact]
    public void Plain_options_drop_a_watchdog_and_refuse_a_new_one()
    {
        var watched = HelperOptions.Default.WithWatchdog(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        Assert.Equal(ControlProtocol.Umh, watched.Control);
        var plain = watched.WithPlainMsgpackRpc();
        Assert.Equal(ControlProtocol.None, plain.Control);
        Assert.Null(plain.Watchdog);
        Assert.Throws<InvalidOperationException>(() => plain.WithWatchdog(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public async Task Notifications_the_helper_names_in_bin_reach_subscribers()
    {
        using var blob = Blob();
        var helper = Sys.ActorOf(HelperActor.Props(blob, Plain));
        var events = CreateTestProbe();
        await helper.Ask<HelperEventsSubscribed>(new SubscribeHelperEvents(events.Ref), Patience);
        await helper.Ask<HelperResponse>(Call("tick", 3), Patience);
        for (var i = 0; i < 3; i++)
        {
            var tick = events.FishForMessage<HelperNotification>(_ => true, Patience);
            Assert.Equal("tick", tick.Method);
            Assert.Equal($"[{i}]", MessagePackSerializer.ConvertToJson(tick.RawParams));
        }
    }

    [Fact]
    public async Task Stopping_the_actor_closes_the_helpers_stdin_and_it_exits_on_eof()
    {
        using var blob = Blob();
        // The helper ignores SIGTERM and the grace is long: only the EOF can end it within the wait.
        var helper = Sys.ActorOf(HelperActor.Props(blob, Plain.WithStopGracePeriod(TimeSpan.FromSeconds(30))));
        var events = CreateTestProbe();
        await helper.Ask<HelperEventsSubscribed>(new SubscribeHelperEvents(events.Ref), Patience);
        var pid = MessagePackSerializer.Deserialize<int>((await helper.Ask<HelperResponse>(Call("pid"), Patience)).RawResult);

        Sys.Stop(helper);
        var line = events.FishForMessage<HelperStderrLine>(l => l.Line == "eof", Patience);
        Assert.Equal(pid, line.Pid);
        Assert.True(await HostCensus.EventuallyAsync(() => !HostCensus.IsRunning(pid), TimeSpan.FromSeconds(10)), $"helper {pid} still runs");
    }

    [Fact]
    public async Task Stopping_with_requests_in_flight_fails_each_as_stopped_and_the_helper_still_ends_by_eof()
    {
        using var blob = Blob();
        var helper = Sys.ActorOf(HelperActor.Props(blob, Plain.WithStopGracePeriod(TimeSpan.FromSeconds(30))));
        var pid = MessagePackSerializer.Deserialize<int>((await helper.Ask<HelperResponse>(Call("pid"), Patience)).RawResult);
        var sleeping = Enumerable.Range(0, 20).Select(_ => helper.Ask<HelperResponse>(Call("sleep", 20_000), Patience)).ToArray();
        // Every sleep is in the helper's hands (it records a method when it reads it) before the stop.
        await AwaitAssertAsync(async () => Assert.Equal(20, (await SeenAsync(helper)).Count(m => m == "sleep")), Patience);

        Sys.Stop(helper);
        foreach (var ask in sleeping) await Assert.ThrowsAsync<HelperStoppedException>(() => ask);
        Assert.True(await HostCensus.EventuallyAsync(() => !HostCensus.IsRunning(pid), TimeSpan.FromSeconds(10)), $"helper {pid} still runs");
    }
}
