using System.Buffers;
using MessagePack;
using UmhActors.Protocol.Control;
using UmhActors.Protocol.Framing;
using Xunit;

namespace UmhActors.Protocol.Tests;

/// <summary>The payloads of <c>$/log</c> records and error objects as docs/protocol.md defines them:
/// what a helper in any language may send, and how each odd shape is read.</summary>
public sealed class ControlPayloadTests
{
    private static Frame Decode(Action<IBufferWriter<byte>> write)
    {
        var output = new ArrayBufferWriter<byte>();
        write(output);
        var buffer = new ReadOnlySequence<byte>(output.WrittenMemory);
        Assert.True(new FrameDecoder().TryDecode(ref buffer, out var frame));
        return frame.Detach();
    }

    private static Frame Notification(string method, byte[] rawParams) =>
        Decode(output => FrameWriter.WriteNotification(output, method, rawParams));

    [Theory]
    [InlineData(HelperLogLevel.Trace, "trace")]
    [InlineData(HelperLogLevel.Debug, "debug")]
    [InlineData(HelperLogLevel.Info, "info")]
    [InlineData(HelperLogLevel.Warn, "warn")]
    [InlineData(HelperLogLevel.Error, "error")]
    public void Each_log_level_is_sent_by_its_documented_name_and_read_back(HelperLogLevel level, string name)
    {
        Assert.Equal(name, ControlFrames.LevelName(level));
        var frame = Decode(output => ControlFrames.WriteLog(output, new LogMessage(level, "hello")));

        Assert.Equal(name, Pack.Read<object[]>(frame.Params)[0]);
        Assert.Equal(level, ControlFrames.ReadLog(frame).Level);
        Assert.Equal(level, ControlFrames.ReadLog(Notification(ControlMethods.Log, Pack.Array(name, "m"))).Level);
    }

    [Theory]
    [InlineData("warning", HelperLogLevel.Warn)]
    [InlineData("fatal", HelperLogLevel.Info)]
    [InlineData("", HelperLogLevel.Info)]
    [InlineData("ERROR", HelperLogLevel.Info)]
    [InlineData(null, HelperLogLevel.Info)]
    public void Other_level_names_read_as_info_except_warning(string? name, HelperLogLevel expected) =>
        Assert.Equal(expected, ControlFrames.ReadLog(Notification(ControlMethods.Log, Pack.Array(name, "m"))).Level);

    [Fact]
    public void Log_fields_keep_their_scalar_types_and_other_values_arrive_as_text()
    {
        var fields = new Dictionary<string, object?>
        {
            ["nil"] = null, ["yes"] = true, ["text"] = "t", ["bytes"] = new byte[] { 1, 2 },
            ["big"] = ulong.MaxValue, ["single"] = 1.5f, ["double"] = 2.25, ["sbyte"] = (sbyte)-3, ["byte"] = (byte)4,
            ["short"] = (short)-5, ["ushort"] = (ushort)6, ["int"] = -7, ["uint"] = 8u, ["long"] = long.MinValue,
            ["guid"] = Guid.Empty,
        };

        var log = ControlFrames.ReadLog(Decode(output => ControlFrames.WriteLog(output, new LogMessage(HelperLogLevel.Info, "m", fields))));

        Assert.Null(log.Fields["nil"]);
        Assert.Equal(true, log.Fields["yes"]);
        Assert.Equal("t", log.Fields["text"]);
        Assert.Equal(new byte[] { 1, 2 }, log.Fields["bytes"]);
        Assert.Equal(ulong.MaxValue, log.Fields["big"]);
        Assert.Equal(1.5, log.Fields["single"]);
        Assert.Equal(2.25, log.Fields["double"]);
        Assert.Equal(-3L, log.Fields["sbyte"]);
        Assert.Equal(4L, log.Fields["byte"]);
        Assert.Equal(-5L, log.Fields["short"]);
        Assert.Equal(6L, log.Fields["ushort"]);
        Assert.Equal(-7L, log.Fields["int"]);
        Assert.Equal(8L, log.Fields["uint"]);
        Assert.Equal(long.MinValue, log.Fields["long"]);
        Assert.Equal(Guid.Empty.ToString(), log.Fields["guid"]);
        Assert.Equal(fields.Count, log.Fields.Count);
    }

    [Fact]
    public void A_log_field_holding_a_collection_arrives_as_its_json_text()
    {
        var raw = Pack.Array("info", "m", new Dictionary<string, object> { ["list"] = new object[] { 1, "a" } });
        Assert.Equal("[1,\"a\"]", ControlFrames.ReadLog(Notification(ControlMethods.Log, raw)).Fields["list"]);
    }

    [Fact]
    public void A_log_without_fields_or_with_nil_fields_has_none()
    {
        Assert.Empty(ControlFrames.ReadLog(Notification(ControlMethods.Log, Pack.Array("info", "m"))).Fields);
        var log = ControlFrames.ReadLog(Notification(ControlMethods.Log, Pack.Array("info", "m", null)));
        Assert.Empty(log.Fields);
        Assert.Equal("m", log.Message);
    }

    [Fact]
    public void Malformed_log_payloads_are_control_payload_violations_that_say_why()
    {
        AssertInvalid(() => ControlFrames.ReadLog(Notification(ControlMethods.Log, Pack.Array("info"))), "params have 1 elements, need at least 2");
        AssertInvalid(() => ControlFrames.ReadLog(Notification(ControlMethods.Log, Pack.Value(5))), "params are Integer, not an array");
        AssertInvalid(() => ControlFrames.ReadLog(Notification(ControlMethods.Log, Hex("93 a4 696e666f a1 6d 81 c0 01"))), "field name is nil");
        AssertInvalid(() => ControlFrames.ReadLog(Notification(ControlMethods.Log, Pack.Array(1, "m"))), null);
        AssertInvalid(() => ControlFrames.ReadLog(Notification(ControlMethods.Ping, Pack.Array("info", "m"))), "expected $/log, got");
        AssertInvalid(() => ControlFrames.ReadLog(Decode(output => FrameWriter.WriteResponse(output, 1, Pack.Array("info", "m")))), "expected $/log, got");
    }

    [Fact]
    public void Writing_a_null_hello_or_log_is_an_argument_error()
    {
        var output = new ArrayBufferWriter<byte>();
        Assert.Throws<ArgumentNullException>(() => ControlFrames.WriteHello(output, null!));
        Assert.Throws<ArgumentNullException>(() => ControlFrames.WriteLog(output, null!));
        Assert.Equal(0, output.WrittenCount);
    }

    [Fact]
    public void An_error_map_gives_its_code_and_message_whatever_else_it_holds()
    {
        var raw = Hex("84 01 a1 78 a4 636f6465 05 a3 787878 c0 a7 6d657373616765 a1 6d");   // {1:"x","code":5,"xxx":nil,"message":"m"}
        Assert.Equal(new RpcError(5, "m"), RpcError.Parse(raw));
        Assert.Equal(new RpcError(RpcErrorCodes.Unknown, "m"), RpcError.Parse(Pack.Value(new Dictionary<string, object> { ["code"] = "five", ["message"] = "m" })));
        Assert.Equal(new RpcError(7, ""), RpcError.Parse(Pack.Value(new Dictionary<string, object> { ["code"] = 7, ["message"] = 8 })));
        Assert.Equal(new RpcError(RpcErrorCodes.Unknown, ""), RpcError.Parse(Pack.Value(new Dictionary<string, object>())));
    }

    [Fact]
    public void A_string_error_is_its_message_and_any_other_error_its_json_text()
    {
        Assert.Equal(new RpcError(RpcErrorCodes.Unknown, "bad thing"), RpcError.Parse(Pack.Value("bad thing")));
        Assert.Equal(new RpcError(RpcErrorCodes.Unknown, "[1,2]"), RpcError.Parse(Pack.Array(1, 2)));
        Assert.Equal(new RpcError(RpcErrorCodes.Unknown, "42"), RpcError.Parse(Pack.Value(42)));
        Assert.Equal(-32099, RpcErrorCodes.Unknown);
    }

    [Fact]
    public void An_unreadable_error_object_is_a_malformed_violation()
    {
        var error = Assert.Throws<ProtocolViolationException>(() => RpcError.Parse(Hex("82 a4 636f6465")));
        Assert.Equal(ProtocolViolationReason.Malformed, error.Reason);
        Assert.Equal(-1, error.ByteOffset);
        Assert.Contains("unreadable error object: ", error.Message);
    }

    [Fact]
    public void An_error_written_by_the_host_reads_back_the_same_and_prints_as_code_and_message()
    {
        var error = new RpcError(RpcErrorCodes.ShuttingDown, "going away");
        var frame = Decode(output => FrameWriter.WriteErrorResponse(output, 3, error));

        Assert.True(frame.IsError);
        Assert.Equal(error, frame.GetError());
        Assert.Equal("-32001: going away", error.ToString());
    }

    [Fact]
    public void A_response_whose_error_is_one_byte_but_not_nil_is_an_error()
    {
        var buffer = new ReadOnlySequence<byte>(Hex("94 01 01 05 c0"));   // [1, 1, 5, nil]: a bare error code
        Assert.True(new FrameDecoder().TryDecode(ref buffer, out var frame));

        Assert.True(frame.IsError);
        Assert.True(frame.Detach().IsError);
        Assert.Equal(new RpcError(RpcErrorCodes.Unknown, "5"), frame.GetError());
        var ok = new ReadOnlySequence<byte>(Hex("94 01 02 c0 05"));
        Assert.True(new FrameDecoder().TryDecode(ref ok, out var success));
        Assert.False(success.IsError);
        Assert.Null(success.GetError());
    }

    private static byte[] Hex(string hex) => Convert.FromHexString(hex.Replace(" ", ""));

    private static void AssertInvalid(Action read, string? detail)
    {
        var error = Assert.Throws<ProtocolViolationException>(read);
        Assert.Equal(ProtocolViolationReason.InvalidControlPayload, error.Reason);
        if (detail is not null) Assert.Contains(detail, error.Message);
    }
}
