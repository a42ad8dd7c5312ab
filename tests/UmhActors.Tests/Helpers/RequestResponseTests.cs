using Akka.Actor;
using MessagePack;
using UmhActors.Failures;
using UmhActors.Helpers;
using UmhActors.Native.Exit;
using UmhActors.Requests;
using UmhActors.Tests.Support;
using Xunit.Abstractions;

namespace UmhActors.Tests.Helpers;

public sealed class RequestResponseTests(ITestOutputHelper output) : HelperSpec(output)
{
    [Fact]
    public async Task Echo_by_Ask_returns_the_params()
    {
        var (helper, _) = await StartHelperAsync();
        var response = await helper.Ask<HelperResponse>(Call("echo", "hello", 42), Patience);
        var echoed = MessagePackSerializer.Deserialize<object[]>(response.RawResult);
        Assert.Equal("hello", echoed[0]);
        Assert.Equal(42, Convert.ToInt32(echoed[1]));
    }

    [Fact]
    public async Task Typed_client_calls_and_deserializes()
    {
        var (helper, _) = await StartHelperAsync();
        var client = new HelperClient(helper);
        Assert.Equal(5, await client.CallAsync<int[], int>("add", [2, 3]));
    }

    [Fact]
    public async Task Requests_sent_before_hello_are_served_once_ready()
    {
        var helper = Sys.ActorOf(HelperActor.Props(TestHelperBlob.Instance));
        var response = await new HelperClient(helper).CallAsync<int[], int>("add", [40, 2]);
        Assert.Equal(42, response);
    }

    [Fact]
    public async Task A_thousand_concurrent_Asks_each_get_their_own_answer()
    {
        var (helper, _) = await StartHelperAsync();
        var client = new HelperClient(helper);
        var calls = Enumerable.Range(0, 1000).Select(i => client.CallAsync<int[], int>("add", [i, 1_000_000])).ToArray();
        var answers = await Task.WhenAll(calls).WaitAsync(Patience);
        for (var i = 0; i < answers.Length; i++) Assert.Equal(i + 1_000_000, answers[i]);
    }

    [Fact]
    public async Task Helper_error_comes_back_as_a_typed_failure()
    {
        var (helper, _) = await StartHelperAsync();
        var error = await Assert.ThrowsAsync<HelperErrorException>(() => new HelperClient(helper).SendAsync(Call("no_such_method")));
        Assert.Equal("no_such_method", error.Method);
        Assert.Equal(-32601, error.Error.Code);
    }

    [Fact]
    public async Task Timeout_fails_the_request_and_cancels_the_handler()
    {
        var (helper, _) = await StartHelperAsync();
        var events = CreateTestProbe();
        await helper.Ask<HelperEventsSubscribed>(new SubscribeHelperEvents(events.Ref), Patience);

        var error = await Assert.ThrowsAsync<HelperTimeoutException>(() =>
            new HelperClient(helper).SendAsync(Call("sleep", TimeSpan.FromMilliseconds(300), 10_000)));
        Assert.True(error.WasSent);

        // The helper's handler reports that its CancellationToken fired.
        var cancelled = events.FishForMessage<HelperNotification>(n => n.Method == "cancelled", Patience);
        Assert.Equal(1, MessagePackSerializer.Deserialize<int[]>(cancelled.RawParams)[0]);
    }

    [Fact]
    public async Task Requests_beyond_the_bounds_are_rejected_as_overloaded()
    {
        var (helper, _) = await StartHelperAsync(HelperOptions.Default.WithBounds(maxInFlight: 2, maxQueued: 3));
        var client = new HelperClient(helper);
        var calls = Enumerable.Range(0, 8).Select(_ => client.SendAsync(Call("sleep", 300))).ToArray();
        var outcomes = await Task.WhenAll(calls.Select(async c =>
        {
            try { await c; return "ok"; }
            catch (HelperOverloadedException) { return "overloaded"; }
        })).WaitAsync(Patience);
        Assert.Equal(5, outcomes.Count(o => o == "ok"));
        Assert.Equal(3, outcomes.Count(o => o == "overloaded"));
    }

    [Fact]
    public async Task Crash_mid_request_fails_every_pending_Ask_at_once_with_the_signal()
    {
        var (helper, pid) = await StartHelperAsync();
        var client = new HelperClient(helper);
        var sleepers = Enumerable.Range(0, 5).Select(_ => client.SendAsync(Call("sleep", TimeSpan.FromSeconds(20), 20_000))).ToArray();
        var started = DateTime.UtcNow;
        var crash = client.SendAsync(Call("crash"));

        foreach (var call in sleepers.Append(crash))
        {
            var failure = await Assert.ThrowsAsync<HelperCrashedException>(() => call.WaitAsync(Patience));
            Assert.Equal(SignalNames.SIGSEGV, failure.Signal);
            Assert.Equal(pid, failure.Pid);
        }
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(5), "pending requests waited for their timeouts");
    }

    [Fact]
    public async Task An_oversized_request_is_refused_and_costs_no_other_request()
    {
        var (helper, pid) = await StartHelperAsync(HelperOptions.Default.WithLimits(Protocol.Framing.DecoderLimits.Default with { MaxFrameSize = 64 * 1024 }));
        var client = new HelperClient(helper);
        var sleeping = client.CallAsync<int[], int>("sleep", [300]);
        var error = await Assert.ThrowsAsync<HelperRequestTooLargeException>(() =>
            client.SendAsync(new HelperRequest("echo", MessagePackSerializer.Serialize(new object[] { new byte[100 * 1024] }))));
        Assert.True(error.FrameBytes > error.MaxFrameBytes);
        Assert.Equal(300, await sleeping.WaitAsync(Patience));
        Assert.Equal(pid, (await helper.Ask<HelperStatus>(GetHelperStatus.Instance, Patience)).Pid);
    }

    [Fact]
    public async Task Control_method_names_are_refused()
    {
        var (helper, _) = await StartHelperAsync();
        await Assert.ThrowsAnyAsync<ArgumentException>(() => new HelperClient(helper).SendAsync(Call("$/shutdown")));
    }
}
