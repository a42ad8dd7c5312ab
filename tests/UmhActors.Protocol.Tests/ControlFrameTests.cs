using System.Buffers;
using UmhActors.Protocol.Control;
using UmhActors.Protocol.Framing;
using Xunit;

namespace UmhActors.Protocol.Tests;

public sealed class ControlFrameTests
{
    private static Frame Decode(ArrayBufferWriter<byte> output)
    {
        var buffer = new ReadOnlySequence<byte>(output.WrittenMemory);
        Assert.True(new FrameDecoder().TryDecode(ref buffer, out var frame));
        Assert.True(buffer.IsEmpty);
        return frame;
    }

    private static Frame Decode(Action<ArrayBufferWriter<byte>> write)
    {
        var output = new ArrayBufferWriter<byte>();
        write(output);
        return Decode(output);
    }

    [Fact]
    public void Hello_round_trips_and_matches_the_documented_hex()
    {
        var output = new ArrayBufferWriter<byte>();
        ControlFrames.WriteHello(output, new HelloMessage(1, "demo", 4242, ["echo"]));
        Assert.Equal(Convert.FromHexString("9302a7242f68656c6c6f9401a464656d6fcd109291a46563686f"), output.WrittenSpan.ToArray());
        var hello = ControlFrames.ReadHello(Decode(output));
        Assert.Equal((1, "demo", 4242), (hello.ProtocolVersion, hello.Name, hello.Pid));
        Assert.Equal(["echo"], hello.Capabilities);
    }

    [Fact]
    public void Hello_with_a_supported_version_negotiates_that_version() =>
        Assert.Equal(1, ProtocolVersion.Negotiate(new HelloMessage(1, "demo", 1, [])));

    [Fact]
    public void Hello_with_a_wrong_version_fails_naming_both_versions()
    {
        var frame = Decode(o => ControlFrames.WriteHello(o, new HelloMessage(7, "future", 1, [])));
        var mismatch = Assert.Throws<ProtocolVersionMismatchException>(() => ProtocolVersion.Negotiate(ControlFrames.ReadHello(frame)));
        Assert.Equal(ProtocolViolationReason.VersionMismatch, mismatch.Reason);
        Assert.Equal(7, mismatch.HelperVersion);
        Assert.Contains("version 7", mismatch.Message);
        Assert.Contains("version 1", mismatch.Message);
        Assert.Contains("'future'", mismatch.Message);
    }

    [Fact]
    public void Hello_of_the_wrong_shape_is_a_control_payload_violation()
    {
        var frame = Decode(o => FrameWriter.WriteNotification(o, ControlMethods.Hello, Pack.Array("one", 2)));
        Assert.Equal(ProtocolViolationReason.InvalidControlPayload, Assert.Throws<ProtocolViolationException>(() => ControlFrames.ReadHello(frame)).Reason);
    }

    [Fact]
    public void Ping_and_pong_carry_the_same_token_as_notifications_and_as_a_request()
    {
        Assert.Equal(ulong.MaxValue, ControlFrames.ReadToken(Decode(o => ControlFrames.WritePing(o, ulong.MaxValue))));
        Assert.Equal(7ul, ControlFrames.ReadToken(Decode(o => ControlFrames.WritePong(o, 7))));
        var request = Decode(o => ControlFrames.WritePingRequest(o, 9, 7));
        Assert.Equal((FrameKind.Request, 9u, ControlMethods.Ping, 7ul), (request.Kind, request.MsgId, request.Method, ControlFrames.ReadToken(request)));
        var response = Decode(o => ControlFrames.WritePongResponse(o, 9, 7));
        Assert.Equal((9u, 7ul), (response.MsgId, ControlFrames.ReadToken(response)));
    }

    [Fact]
    public void Cancel_names_the_msgid_to_cancel()
    {
        var output = new ArrayBufferWriter<byte>();
        ControlFrames.WriteCancel(output, 5);
        Assert.Equal(Convert.FromHexString("9302a8242f63616e63656c9105"), output.WrittenSpan.ToArray());
        Assert.Equal(5u, ControlFrames.ReadCancel(Decode(output)));
    }

    [Fact]
    public void Shutdown_is_a_notification_with_empty_params()
    {
        var frame = Decode(ControlFrames.WriteShutdown);
        Assert.Equal((FrameKind.Notification, ControlMethods.Shutdown), (frame.Kind, frame.Method));
        Assert.Equal([0x90], frame.Params.ToArray());
    }

    [Fact]
    public void Log_round_trips_level_message_and_fields()
    {
        var fields = new Dictionary<string, object?> { ["n"] = 1, ["big"] = ulong.MaxValue, ["ok"] = true, ["ratio"] = 0.5, ["none"] = null, ["who"] = "me" };
        var log = ControlFrames.ReadLog(Decode(o => ControlFrames.WriteLog(o, new LogMessage(HelperLogLevel.Warn, "careful", fields))));
        Assert.Equal((HelperLogLevel.Warn, "careful"), (log.Level, log.Message));
        Assert.Equal(1L, log.Fields["n"]);
        Assert.Equal(ulong.MaxValue, log.Fields["big"]);
        Assert.Equal(true, log.Fields["ok"]);
        Assert.Equal(0.5, log.Fields["ratio"]);
        Assert.Null(log.Fields["none"]);
        Assert.Equal("me", log.Fields["who"]);
    }

    [Fact]
    public void Log_from_another_language_with_nested_fields_reads_them_as_json()
    {
        var frame = Decode(o => FrameWriter.WriteNotification(o, ControlMethods.Log,
            Pack.Array("debug", "x", new Dictionary<string, object> { ["list"] = new[] { 1, 2 } })));
        Assert.Equal("[1,2]", ControlFrames.ReadLog(frame).Fields["list"]);
    }

    [Fact]
    public void Control_methods_share_the_reserved_prefix()
    {
        Assert.All(new[] { ControlMethods.Hello, ControlMethods.Ping, ControlMethods.Pong, ControlMethods.Cancel, ControlMethods.Shutdown, ControlMethods.Log },
            m => Assert.True(ControlMethods.IsControl(m)));
        Assert.False(ControlMethods.IsControl("echo"));
    }
}
