using UmhActors.Protocol.Control;
using UmhActors.Protocol.Framing;
using Xunit;

namespace UmhActors.Protocol.Tests;

/// <summary>What every helper, whatever its language, must do over real pipes.</summary>
public abstract class HelperConversationTests
{
    protected abstract HelperConnection Start();

    protected abstract string ExpectedName { get; }

    private static readonly TimeSpan Timeout = HelperConnection.Timeout;

    private async Task<HelloMessage> HelloAsync(HelperConnection helper)
    {
        var hello = ControlFrames.ReadHello(await helper.NextNotificationAsync(ControlMethods.Hello));
        Assert.Equal(ProtocolVersion.Current, ProtocolVersion.Negotiate(hello));
        return hello;
    }

    [Fact]
    public async Task Helper_announces_hello_with_its_name_and_pid_first()
    {
        await using var helper = Start();
        var hello = await HelloAsync(helper);
        Assert.Equal(ExpectedName, hello.Name);
        Assert.Equal(helper.Process.Pid, hello.Pid);
    }

    [Fact]
    public async Task Echo_returns_the_params_unchanged()
    {
        await using var helper = Start();
        var @params = Pack.Array(1, "two", new byte[] { 3 }, new Dictionary<string, int> { ["four"] = 4 });
        var response = await helper.RequestAsync("echo", @params);
        Assert.False(response.IsError);
        Assert.Equal(Pack.Json(@params), Pack.Json(response.Result));
    }

    [Fact]
    public async Task Unknown_method_fails_with_method_not_found()
    {
        await using var helper = Start();
        var response = await helper.RequestAsync("no_such_method", Pack.Array());
        Assert.Equal(RpcErrorCodes.MethodNotFound, response.GetError()!.Code);
    }

    [Fact]
    public async Task Cancel_reaches_the_handlers_token_and_fails_the_request_as_cancelled()
    {
        await using var helper = Start();
        var msgId = helper.NextId();
        var response = await helper.StartRequestAsync("sleep", Pack.Array(60_000), msgId);
        await helper.SendAsync(o => ControlFrames.WriteCancel(o, msgId));

        var cancelled = await helper.NextNotificationAsync("cancelled");
        Assert.Equal(Pack.Json(Pack.Array(msgId)), Pack.Json(cancelled.Params));
        Assert.Equal(RpcErrorCodes.RequestCancelled, (await response).GetError()!.Code);
    }

    [Fact]
    public async Task Ping_is_answered_while_a_handler_is_busy()
    {
        await using var helper = Start();
        var busy = await helper.StartRequestAsync("sleep", Pack.Array(60_000));
        await helper.SendAsync(o => ControlFrames.WritePing(o, 77));
        Assert.Equal(77ul, ControlFrames.ReadToken(await helper.NextNotificationAsync(ControlMethods.Pong)));

        var pingId = helper.NextId();
        var response = await helper.StartRequestAsync(ControlMethods.Ping, Pack.Array(78), pingId);
        Assert.Equal(78ul, ControlFrames.ReadToken(await response));
        Assert.False(busy.IsCompleted);
    }

    [Fact]
    public async Task Shutdown_finishes_in_flight_requests_then_exits_zero()
    {
        await using var helper = Start();
        var slow = await helper.StartRequestAsync("sleep", Pack.Array(300));
        await helper.SendAsync(ControlFrames.WriteShutdown);
        Assert.Equal(Pack.Json(Pack.Value(300)), Pack.Json((await slow).Result));
        var exit = await helper.Process.Exited.WaitAsync(Timeout);
        Assert.Equal(0, exit.ExitCode);
        Assert.Null(await helper.Closed.WaitAsync(Timeout));
    }

    [Fact]
    public async Task Closing_stdin_makes_the_helper_exit_zero()
    {
        await using var helper = Start();
        await HelloAsync(helper);
        helper.Process.Stdin!.Dispose();
        var exit = await helper.Process.Exited.WaitAsync(Timeout);
        Assert.Equal(0, exit.ExitCode);
    }

    [Fact]
    public async Task Many_requests_in_flight_are_all_answered()
    {
        await using var helper = Start();
        var responses = new List<Task<Frame>>();
        for (var i = 0; i < 50; i++) responses.Add(await helper.StartRequestAsync(i % 2 == 0 ? "echo" : "sleep", Pack.Array(i)));
        var frames = await Task.WhenAll(responses);
        Assert.All(frames.Select((f, i) => (f, i)), x => Assert.Equal(Pack.Json(x.i % 2 == 0 ? Pack.Array(x.i) : Pack.Value(x.i)), Pack.Json(x.f.Result)));
    }
}

public sealed class CSharpHelperConversationTests : HelperConversationTests
{
    protected override HelperConnection Start() => Helpers.StartCSharp();

    protected override string ExpectedName => "testhelper";
}

public sealed class PythonHelperConversationTests : HelperConversationTests
{
    protected override HelperConnection Start() => Helpers.StartPython();

    protected override string ExpectedName => "pyhelper";
}
