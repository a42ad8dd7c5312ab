using UmhActors.Protocol.Control;
using UmhActors.Protocol.Framing;
using Xunit;

namespace UmhActors.Protocol.Tests;

/// <summary>A <c>$/shutdown</c> request is a request like any other: it gets exactly one response.</summary>
public sealed class ShutdownRequestTests
{
    [Fact]
    public async Task Every_shutdown_request_read_before_the_helper_finishes_is_answered()
    {
        await using var helper = Helpers.StartCSharp();
        uint sleepId = helper.NextId(), firstId = helper.NextId(), secondId = helper.NextId();
        var sleep = helper.ExpectResponse(sleepId);
        var first = helper.ExpectResponse(firstId);
        var second = helper.ExpectResponse(secondId);
        // The sleep keeps the helper from finishing before it has read both requests.
        await helper.SendAsync(o =>
        {
            FrameWriter.WriteRequest(o, sleepId, "sleep", Pack.Array(200));
            FrameWriter.WriteRequest(o, firstId, ControlMethods.Shutdown, Pack.Array());
            FrameWriter.WriteRequest(o, secondId, ControlMethods.Shutdown, Pack.Array());
        });

        Assert.Equal(Pack.Json(Pack.Value(200)), Pack.Json((await sleep).Result));
        Assert.Null((await first).GetError());
        Assert.Null((await second).GetError());
        Assert.Equal(0, (await helper.Process.Exited.WaitAsync(HelperConnection.Timeout)).ExitCode);
    }

    [Fact]
    public async Task A_shutdown_request_still_waiting_at_stdin_eof_is_answered()
    {
        await using var helper = Helpers.StartCSharp();
        var busy = await helper.StartRequestAsync("sleep", Pack.Array(60_000));
        var shutdown = await helper.StartRequestAsync(ControlMethods.Shutdown, Pack.Array());
        helper.Process.Stdin!.Dispose();

        Assert.Equal(RpcErrorCodes.RequestCancelled, (await busy).GetError()?.Code);
        Assert.Null((await shutdown).GetError());
        Assert.Equal(0, (await helper.Process.Exited.WaitAsync(HelperConnection.Timeout)).ExitCode);
    }
}
