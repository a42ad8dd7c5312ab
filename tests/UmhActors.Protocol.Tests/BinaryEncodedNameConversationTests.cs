using System.Buffers;
using UmhActors.Protocol.Control;
using Xunit;

namespace UmhActors.Protocol.Tests;

/// <summary>What every helper must accept from a msgpack-rpc client that encodes names as
/// MessagePack bin, over real pipes: hand-built frames, byte for byte.</summary>
public abstract class BinaryEncodedNameConversationTests
{
    private static readonly TimeSpan Timeout = HelperConnection.Timeout;

    protected abstract HelperConnection Start();

    /// <summary>The helper's exit code for a protocol violation on its stdin.</summary>
    protected virtual int ViolationExitCode => 3;

    private static byte[] Hex(string hex) => Convert.FromHexString(hex.Replace(" ", ""));

    private static Task SendRaw(HelperConnection helper, byte[] bytes) => helper.SendAsync(output => output.Write(bytes));

    [Fact]
    public async Task Request_with_a_bin8_method_name_is_served()
    {
        await using var helper = Start();
        var response = helper.ExpectResponse(77);
        // [0, 77, bin8 "echo", [7, "x"]]
        await SendRaw(helper, Hex("94 00 4d c4 04 65 63 68 6f 92 07 a1 78"));
        var frame = await response;
        Assert.False(frame.IsError);
        Assert.Equal("[7,\"x\"]", Pack.Json(frame.Result));
    }

    [Fact]
    public async Task Unknown_bin16_method_fails_with_method_not_found_naming_it()
    {
        await using var helper = Start();
        var response = helper.ExpectResponse(78);
        // [0, 78, bin16 "nope", []]
        await SendRaw(helper, Hex("94 00 4e c5 00 04 6e 6f 70 65 90"));
        var error = (await response).GetError()!;
        Assert.Equal(RpcErrorCodes.MethodNotFound, error.Code);
        Assert.Contains("nope", error.Message);
    }

    [Fact]
    public async Task Cancel_notification_with_a_bin_method_name_cancels()
    {
        await using var helper = Start();
        var msgId = helper.NextId();
        var response = await helper.StartRequestAsync("sleep", Pack.Array(60_000), msgId);
        // [2, bin8 "$/cancel", [msgId]]
        await SendRaw(helper, [.. Hex("93 02 c4 08 24 2f 63 61 6e 63 65 6c 91"), .. Pack.Value(msgId)]);
        var cancelled = await helper.NextNotificationAsync("cancelled");
        Assert.Equal(Pack.Json(Pack.Array(msgId)), Pack.Json(cancelled.Params));
        Assert.Equal(RpcErrorCodes.RequestCancelled, (await response).GetError()!.Code);
        // Cancelled by name, not by the helper ending over a frame it could not read.
        var echo = await helper.RequestAsync("echo", Pack.Array(1));
        Assert.Equal("[1]", Pack.Json(echo.Result));
        Assert.False(helper.Process.HasExited);
    }

    [Theory]
    [InlineData("94 00 05 c4 02 c3 28 90")] // request, bin8 c3 28: not UTF-8
    [InlineData("93 02 c5 00 01 ff 90")] // notification, bin16 ff
    [InlineData("94 00 05 a2 c3 28 90")] // request, str8 with the same bad bytes
    public async Task Invalid_utf8_in_a_method_name_ends_the_helper_as_a_protocol_violation(string hex)
    {
        await using var helper = Start();
        await helper.NextNotificationAsync(ControlMethods.Hello);
        await SendRaw(helper, Hex(hex));
        var exit = await helper.Process.Exited.WaitAsync(Timeout);
        Assert.Equal(ViolationExitCode, exit.ExitCode);
    }
}

/// <summary>The C# helper runtime (through the NativeAOT test helper).</summary>
public sealed class CSharpBinaryEncodedNameConversationTests : BinaryEncodedNameConversationTests
{
    protected override HelperConnection Start() => Helpers.StartCSharp();
}

/// <summary>The Python reference helper with its own small codec.</summary>
public sealed class PythonBuiltinBinaryEncodedNameConversationTests : BinaryEncodedNameConversationTests
{
    protected override HelperConnection Start() => Helpers.StartPython("builtin");
}

/// <summary>The Python reference helper through python3-msgpack.</summary>
public sealed class PythonMsgpackBinaryEncodedNameConversationTests : BinaryEncodedNameConversationTests
{
    protected override HelperConnection Start() => Helpers.StartPython("msgpack");
}
