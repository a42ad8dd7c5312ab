using System.Buffers;
using UmhActors.Protocol.Control;
using UmhActors.Protocol.Framing;
using Xunit;

namespace UmhActors.Protocol.Tests;

/// <summary>Names other msgpack-rpc implementations send as MessagePack bin (the format's old
/// "raw" type, bytes-typed names): method names, an error object's message and <c>$/hello</c>'s
/// name read as their UTF-8 text, and invalid UTF-8 is a typed violation, in str as in bin.
/// Frames are built by hand, byte for byte, as docs/protocol.md shows them.</summary>
public sealed class BinaryEncodedNameTests
{
    private static byte[] Hex(string hex) => Convert.FromHexString(hex.Replace(" ", ""));

    private static Frame Decode(string hex, FrameDecoder? decoder = null)
    {
        var buffer = new ReadOnlySequence<byte>(Hex(hex));
        Assert.True((decoder ?? new FrameDecoder()).TryDecode(ref buffer, out var frame));
        Assert.True(buffer.IsEmpty);
        return frame.Detach();
    }

    private static ProtocolViolationException Reject(string hex, FrameDecoder? decoder = null)
    {
        var buffer = new ReadOnlySequence<byte>(Hex(hex));
        return Assert.Throws<ProtocolViolationException>(() => (decoder ?? new FrameDecoder()).TryDecode(ref buffer, out _));
    }

    [Fact]
    public void Request_method_sent_as_bin8_reads_as_its_text()
    {
        // [0, 1, bin8 "echo", [7]]
        var frame = Decode("94 00 01 c4 04 65 63 68 6f 91 07");
        Assert.Equal(FrameKind.Request, frame.Kind);
        Assert.Equal(1u, frame.MsgId);
        Assert.Equal("echo", frame.Method);
        Assert.Equal("[7]", Pack.Json(frame.Params));
    }

    [Fact]
    public void Notification_method_sent_as_bin16_reads_as_its_text()
    {
        // [2, bin16 "$/cancel", [5]]
        var frame = Decode("93 02 c5 00 08 24 2f 63 61 6e 63 65 6c 91 05");
        Assert.Equal(FrameKind.Notification, frame.Kind);
        Assert.Equal(ControlMethods.Cancel, frame.Method);
        Assert.True(frame.IsControl);
        Assert.Equal(5u, ControlFrames.ReadCancel(frame));
    }

    [Fact]
    public void Method_sent_as_bin32_reads_as_its_text()
    {
        // [2, bin32 "ping", []]
        Assert.Equal("ping", Decode("93 02 c6 00 00 00 04 70 69 6e 67 90").Method);
    }

    [Fact]
    public void Non_ascii_method_in_bin_is_decoded_as_utf8()
    {
        // [2, bin8 "é", []]: U+00E9 is c3 a9 in UTF-8.
        Assert.Equal("\u00e9", Decode("93 02 c4 02 c3 a9 90").Method);
    }

    [Fact]
    public void The_same_name_as_str_and_as_bin_is_the_same_method()
    {
        var decoder = new FrameDecoder();
        var asStr = Decode("93 02 a4 65 63 68 6f 90", decoder);
        var asBin = Decode("93 02 c4 04 65 63 68 6f 90", decoder);
        Assert.Equal(asStr.Method, asBin.Method);
        Assert.Equal("echo", asBin.Method);
    }

    [Theory]
    [InlineData("93 02 c4 02 c3 28 90")] // bin8: a lead byte followed by a non-continuation byte
    [InlineData("93 02 c5 00 01 ff 90")] // bin16: 0xff never occurs in UTF-8
    [InlineData("94 00 01 c4 03 ed a0 80 90")] // bin8: an encoded surrogate (U+D800)
    [InlineData("93 02 a2 c3 28 90")] // str8 with the same bad bytes: str must be UTF-8 too
    [InlineData("93 02 c4 01 c3 90")] // bin8: a truncated two-byte sequence
    public void Invalid_utf8_in_a_method_name_is_an_invalid_method_violation(string hex)
    {
        var violation = Reject(hex);
        Assert.Equal(ProtocolViolationReason.InvalidMethod, violation.Reason);
        Assert.Contains("UTF-8", violation.Message);
    }

    [Fact]
    public void Invalid_utf8_is_rejected_even_after_valid_names_filled_the_cache()
    {
        var decoder = new FrameDecoder();
        Decode("93 02 c4 02 c3 a9 90", decoder);
        Assert.Equal(ProtocolViolationReason.InvalidMethod, Reject("93 02 c4 02 c3 28 90", decoder).Reason);
    }

    [Fact]
    public void Bin_method_longer_than_the_limit_is_a_violation()
    {
        var limits = new DecoderLimits { MaxMethodNameLength = 3 };
        Assert.Equal(ProtocolViolationReason.InvalidMethod, Reject("93 02 c4 04 65 63 68 6f 90", new FrameDecoder(limits)).Reason);
    }

    [Theory]
    [InlineData("82 a4 63 6f 64 65 d1 83 a7 a7 6d 65 73 73 61 67 65 c4 02 6e 6f")] // {"code": -31833, "message": bin "no"}
    [InlineData("82 c4 04 63 6f 64 65 d1 83 a7 c4 07 6d 65 73 73 61 67 65 c4 02 6e 6f")] // the keys in bin too
    public void Error_message_sent_as_bin_reads_as_its_text(string errorHex)
    {
        var frame = Decode("94 01 09 " + errorHex + " c0");
        var error = frame.GetError()!;
        Assert.Equal(-31833, error.Code);
        Assert.Equal("no", error.Message);
    }

    [Fact]
    public void Bare_bin_error_becomes_the_message()
    {
        // [1, 9, bin8 "boom", nil]: msgpack-rpc implementations often send a plain string (or bytes) as the error.
        var error = Decode("94 01 09 c4 04 62 6f 6f 6d c0").GetError()!;
        Assert.Equal(RpcErrorCodes.Unknown, error.Code);
        Assert.Equal("boom", error.Message);
    }

    [Theory]
    [InlineData("81 a7 6d 65 73 73 61 67 65 c4 02 c3 28")] // {"message": bin with invalid UTF-8}
    [InlineData("81 a7 6d 65 73 73 61 67 65 a2 c3 28")] // {"message": str with invalid UTF-8}
    [InlineData("c4 01 ff")] // bare bin with invalid UTF-8
    public void Invalid_utf8_in_an_error_message_is_a_malformed_violation(string errorHex)
    {
        var frame = Decode("94 01 09 " + errorHex + " c0");
        var violation = Assert.Throws<ProtocolViolationException>(() => frame.GetError());
        Assert.Equal(ProtocolViolationReason.Malformed, violation.Reason);
        Assert.Contains("UTF-8", violation.Message);
    }

    [Fact]
    public void Hello_sent_with_bin_method_and_bin_name_reads_as_text()
    {
        // [2, bin8 "$/hello", [1, bin8 "pyhelper", 42, [bin8 "echo"]]]
        var frame = Decode("93 02 c4 07 24 2f 68 65 6c 6c 6f 94 01 c4 08 70 79 68 65 6c 70 65 72 2a 91 c4 04 65 63 68 6f");
        var hello = ControlFrames.ReadHello(frame);
        Assert.Equal("pyhelper", hello.Name);
        Assert.Equal(42, hello.Pid);
        Assert.Equal(["echo"], hello.Capabilities);
    }

    [Fact]
    public void Hello_name_with_invalid_utf8_is_an_invalid_control_payload()
    {
        // [2, "$/hello", [1, bin8 c3 28, 42, []]]
        var frame = Decode("93 02 a7 24 2f 68 65 6c 6c 6f 94 01 c4 02 c3 28 2a 90");
        var violation = Assert.Throws<ProtocolViolationException>(() => ControlFrames.ReadHello(frame));
        Assert.Equal(ProtocolViolationReason.InvalidControlPayload, violation.Reason);
        Assert.Contains("UTF-8", violation.Message);
    }

    [Fact]
    public void What_we_write_stays_str()
    {
        var output = new ArrayBufferWriter<byte>();
        FrameWriter.WriteRequest(output, 1, "echo", Pack.Array());
        FrameWriter.WriteErrorResponse(output, 2, new RpcError(1, "no"));
        ControlFrames.WriteHello(output, new HelloMessage(1, "h", 7, ["c"]));
        Assert.Equal(
            "94 00 01 a4 65 63 68 6f 90" +
            " 94 01 02 82 a4 63 6f 64 65 01 a7 6d 65 73 73 61 67 65 a2 6e 6f c0" +
            " 93 02 a7 24 2f 68 65 6c 6c 6f 94 01 a1 68 07 91 a1 63",
            Convert.ToHexString(output.WrittenSpan).ToLowerInvariant().Chunk(2).Select(c => new string(c)).Aggregate((a, b) => a + " " + b));
    }
}
