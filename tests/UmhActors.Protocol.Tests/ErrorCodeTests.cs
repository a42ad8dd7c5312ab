using UmhActors.Protocol.Control;
using Xunit;

namespace UmhActors.Protocol.Tests;

/// <summary>The documented error codes, each produced by the C# helper runtime for its real cause.</summary>
public sealed class ErrorCodeTests
{
    [Fact]
    public async Task A_handler_that_throws_fails_its_request_with_minus_32000_and_the_reason()
    {
        await using var helper = Helpers.StartCSharp();
        // add needs two params; the handler throws reading the second.
        var error = (await helper.RequestAsync("add", Pack.Array(1))).GetError()!;
        Assert.Equal(RpcErrorCodes.HandlerFailed, error.Code);
        Assert.Equal(-32000, error.Code);
        Assert.Contains("expected at least 2 params", error.Message);
        // The helper lives on and serves the next request.
        Assert.Equal(Pack.Json(Pack.Value(5L)), Pack.Json((await helper.RequestAsync("add", Pack.Array(2, 3))).Result));
    }

    [Fact]
    public async Task A_msgid_already_in_flight_is_refused_with_minus_32602()
    {
        await using var helper = Helpers.StartCSharp();
        var msgId = helper.NextId();
        await helper.StartRequestAsync("sleep", Pack.Array(60_000), msgId);
        // The duplicate's answer is the only response this msgid can get while the sleep runs.
        var duplicate = await helper.StartRequestAsync("echo", Pack.Array("again"), msgId);
        var error = (await duplicate).GetError()!;
        Assert.Equal(RpcErrorCodes.InvalidParams, error.Code);
        Assert.Equal(-32602, error.Code);
        Assert.Contains($"msgid {msgId} is already in flight", error.Message);
    }

    [Fact]
    public async Task Requests_after_shutdown_began_are_refused_with_minus_32001()
    {
        await using var helper = Helpers.StartCSharp();
        // A request in flight keeps the helper shutting down (not yet exited) while the next arrives.
        var sleeping = await helper.StartRequestAsync("sleep", Pack.Array(1_000));
        var lateId = helper.NextId();
        var late = helper.ExpectResponse(lateId);
        await helper.SendAsync(o =>
        {
            ControlFrames.WriteShutdown(o);
            Framing.FrameWriter.WriteRequest(o, lateId, "echo", Pack.Array("late"));
        });
        var error = (await late).GetError()!;
        Assert.Equal(RpcErrorCodes.ShuttingDown, error.Code);
        Assert.Equal(-32001, error.Code);
        Assert.False((await sleeping).IsError);
        Assert.Equal(0, (await helper.Process.Exited.WaitAsync(HelperConnection.Timeout)).ExitCode);
    }
}
