using Akka.Actor;
using MessagePack;
using UmhActors.Helpers;
using UmhActors.Native.Blobs;
using UmhActors.Protocol.Control;
using UmhActors.Requests;
using UmhActors.Tests.Shared;
using UmhActors.Tests.Support;
using Xunit.Abstractions;

namespace UmhActors.Tests.Interop;

/// <summary>
/// A helper written with the msgpack-rpc server of an implementation by others, embedded as a
/// <c>#!</c> script blob, runs behind a <see cref="HelperActor"/> with
/// <see cref="HelperOptions.WithPlainMsgpackRpc"/>: it answers requests, its errors arrive typed,
/// its notifications (named in bin) reach subscribers, and stopping the actor ends it by EOF.
/// </summary>
public abstract class ForeignServerHelperTests(ITestOutputHelper output) : HelperSpec(output)
{
    protected abstract HelperBlob Blob();

    protected abstract HelperOptions Options { get; }

    /// <summary>What the server's "fail" method answers, as the host reads it.</summary>
    protected abstract RpcError ExpectedFailure { get; }

    private IActorRef Start(HelperBlob blob, HelperOptions? options = null) => Sys.ActorOf(HelperActor.Props(blob, options ?? Options));

    private static async Task<string> CallJson(IActorRef helper, HelperRequest request) =>
        MessagePackSerializer.ConvertToJson((await helper.Ask<HelperResponse>(request, Patience)).RawResult);

    [Fact]
    public async Task Requests_are_answered()
    {
        using var blob = Blob();
        var helper = Start(blob);
        Assert.Equal("[1,2,[3]]", await CallJson(helper, Call("echo", 1, 2, new[] { 3 })));
        Assert.Equal("5", await CallJson(helper, Call("add", 2, 3)));
    }

    [Fact]
    public async Task A_hundred_concurrent_requests_each_get_their_own_answer()
    {
        using var blob = Blob();
        var helper = Start(blob);
        var calls = Enumerable.Range(0, 100).Select(i => CallJson(helper, Call("add", i, 1000))).ToArray();
        var answers = await Task.WhenAll(calls).WaitAsync(Patience);
        for (var i = 0; i < answers.Length; i++) Assert.Equal((i + 1000).ToString(System.Globalization.CultureInfo.InvariantCulture), answers[i]);
    }

    [Fact]
    public async Task The_servers_error_arrives_as_a_typed_failure_with_its_text()
    {
        using var blob = Blob();
        var helper = Start(blob);
        var failure = await Assert.ThrowsAsync<HelperErrorException>(() => helper.Ask<HelperResponse>(Call("fail"), Patience));
        Assert.Equal("fail", failure.Method);
        Assert.Equal(ExpectedFailure, failure.Error);
        // The helper survives its own error answer.
        Assert.Equal("2", await CallJson(helper, Call("add", 1, 1)));
    }

    [Fact]
    public async Task An_unknown_method_is_an_error_naming_it()
    {
        using var blob = Blob();
        var helper = Start(blob);
        var failure = await Assert.ThrowsAsync<HelperErrorException>(() => helper.Ask<HelperResponse>(Call("no_such_method"), Patience));
        Assert.Contains("no_such_method", failure.Error.Message);
    }

    [Fact]
    public async Task A_notification_the_server_names_in_bin_reaches_subscribers()
    {
        using var blob = Blob();
        var helper = Start(blob);
        var events = CreateTestProbe();
        await helper.Ask<HelperEventsSubscribed>(new SubscribeHelperEvents(events.Ref), Patience);
        Assert.Equal("9", await CallJson(helper, Call("poke", 9)));
        var poked = events.FishForMessage<HelperNotification>(n => n.Method == "poked", Patience);
        Assert.Equal("[9]", MessagePackSerializer.ConvertToJson(poked.RawParams));
    }

    [Fact]
    public async Task Stopping_the_actor_ends_the_helper_by_stdin_eof_before_any_signal()
    {
        using var blob = Blob();
        // A grace far beyond the wait below: only the EOF can end the helper in time.
        var helper = Start(blob, Options.WithStopGracePeriod(TimeSpan.FromSeconds(60)));
        var status = await helper.Ask<HelperStatus>(GetHelperStatus.Instance, Patience);
        await CallJson(helper, Call("add", 0, 0));
        var pid = (await helper.Ask<HelperStatus>(GetHelperStatus.Instance, Patience)).Pid;
        Assert.True(pid > 0, $"no pid in {status}");

        Sys.Stop(helper);
        Assert.True(await HostCensus.EventuallyAsync(() => !HostCensus.IsRunning(pid), TimeSpan.FromSeconds(15)), $"helper {pid} still runs");
    }
}

/// <summary>A server on msgpack5rpc (npm), under Node.</summary>
public sealed class Msgpack5RpcServerHelperTests(ITestOutputHelper output) : ForeignServerHelperTests(output)
{
    protected override HelperBlob Blob() => InteropTools.ScriptBlob("server", "msgpack5rpc-server");

    protected override HelperOptions Options => HelperOptions.Default.WithPlainMsgpackRpc().WithLaunch(InteropTools.NodeLaunch);

    // msgpack5rpc sends the error object as given: {code: 7, message: bin "it failed on purpose"}.
    protected override RpcError ExpectedFailure => new(7, "it failed on purpose");
}

/// <summary>A server on pynvim's msgpack-rpc (Debian's python3-pynvim), which opens with a
/// notification named in bin (<c>nvim_set_client_info</c>) before any request.</summary>
public sealed class PynvimServerHelperTests(ITestOutputHelper output) : ForeignServerHelperTests(output)
{
    protected override HelperBlob Blob() => InteropTools.ScriptBlob("pynvim_server", "pynvim-server");

    protected override HelperOptions Options => HelperOptions.Default.WithPlainMsgpackRpc();

    // pynvim's ErrorResponse sends its argument as the bare error value.
    protected override RpcError ExpectedFailure => new(RpcErrorCodes.Unknown, "it failed on purpose");
}
