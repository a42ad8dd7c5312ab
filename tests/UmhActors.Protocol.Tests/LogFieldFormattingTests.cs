using System.Buffers;
using UmhActors.Protocol.Control;
using UmhActors.Protocol.Framing;
using Xunit;

namespace UmhActors.Protocol.Tests;

/// <summary><c>$/log</c> fields of other types are sent as their ToString(): user code, which may
/// throw or log in turn, and must never leave a partial or interleaved frame on the wire.</summary>
public sealed class LogFieldFormattingTests
{
    private sealed class ThrowingToString
    {
        public override string ToString() => throw new FormatException("ToString failed");
    }

    [Fact]
    public void WriteLog_with_a_field_whose_ToString_throws_writes_nothing()
    {
        var output = new ArrayBufferWriter<byte>(256);
        // The long message makes the encoder hand bytes to the output before it reaches the field.
        var log = new LogMessage(HelperLogLevel.Info, new string('m', 100_000), new Dictionary<string, object?> { ["ok"] = 1, ["bad"] = new ThrowingToString() });

        Assert.Throws<FormatException>(() => ControlFrames.WriteLog(output, log));
        Assert.Equal(0, output.WrittenCount);
    }

    [Fact]
    public async Task A_log_field_whose_ToString_throws_fails_only_its_request()
    {
        await using var helper = Helpers.StartCSharp();
        var failed = await helper.RequestAsync("log_throwing_field", Pack.Array(100_000));
        Assert.Equal(RpcErrorCodes.HandlerFailed, failed.GetError()!.Code);
        Assert.Contains("ToString failed", failed.GetError()!.Message);

        // The stream is still whole: later frames decode and answer.
        Assert.Equal(Pack.Json(Pack.Value(5)), Pack.Json((await helper.RequestAsync("add", Pack.Array(2, 3))).Result));
        Assert.False(helper.Closed.IsCompleted, "the host's decoder stopped");
    }

    [Fact]
    public async Task A_log_field_whose_ToString_logs_sends_two_whole_log_records()
    {
        await using var helper = Helpers.StartCSharp();
        var response = await helper.RequestAsync("log_reentrant_field", Pack.Array());
        Assert.False(response.IsError, response.GetError()?.Message);

        // The field is formatted before the outer record is written, so the inner record goes first.
        var inner = ControlFrames.ReadLog(await helper.NextNotificationAsync(ControlMethods.Log));
        var outer = ControlFrames.ReadLog(await helper.NextNotificationAsync(ControlMethods.Log));
        Assert.Equal("inner", inner.Message);
        Assert.Equal(("outer", "formatted"), (outer.Message, outer.Fields["field"]));
        Assert.False(helper.Closed.IsCompleted);
    }
}
