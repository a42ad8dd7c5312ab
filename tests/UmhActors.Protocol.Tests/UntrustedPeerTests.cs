using System.Buffers;
using UmhActors.Protocol.Framing;
using Xunit;

namespace UmhActors.Protocol.Tests;

public sealed class UntrustedPeerTests
{
    private static ProtocolViolationException Reject(byte[] bytes, DecoderLimits? limits = null, bool atEnd = false)
    {
        var decoder = new FrameDecoder(limits);
        var buffer = new ReadOnlySequence<byte>(bytes);
        return Assert.Throws<ProtocolViolationException>(() =>
        {
            while (decoder.TryDecode(ref buffer, out _)) { }
            if (atEnd) decoder.Complete(buffer);
        });
    }

    private static byte[] Hex(string hex) => Convert.FromHexString(hex.Replace(" ", ""));

    [Fact]
    public void Declared_four_gigabyte_string_is_rejected_at_once_without_allocating()
    {
        var bytes = Hex("93 02 db ff ff ff ff");
        var decoder = new FrameDecoder();
        var before = GC.GetAllocatedBytesForCurrentThread();
        var buffer = new ReadOnlySequence<byte>(bytes);
        var violation = Assert.Throws<ProtocolViolationException>(() => decoder.TryDecode(ref buffer, out _));
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(ProtocolViolationReason.StringTooLong, violation.Reason);
        Assert.True(allocated < 64 * 1024, $"allocated {allocated} bytes");
    }

    [Fact]
    public void Declared_collection_longer_than_the_limit_is_rejected_before_its_elements_arrive() =>
        Assert.Equal(ProtocolViolationReason.CollectionTooLong, Reject(Hex("93 02 a1 78 dd 7f ff ff ff")).Reason);

    [Fact]
    public void Frame_larger_than_the_limit_is_rejected_from_its_header()
    {
        var limits = new DecoderLimits { MaxFrameSize = 1024 };
        Assert.Equal(ProtocolViolationReason.FrameTooLarge, Reject(Hex("93 02 a1 78 c5 08 00"), limits).Reason);
    }

    [Fact]
    public void Nesting_deeper_than_the_limit_is_rejected()
    {
        var bytes = Hex("93 02 a1 78").Concat(Enumerable.Repeat((byte)0x91, 100)).Append((byte)0x01).ToArray();
        Assert.Equal(ProtocolViolationReason.NestingTooDeep, Reject(bytes).Reason);
    }

    [Theory]
    [InlineData("c1", ProtocolViolationReason.Malformed)]
    [InlineData("68656c6c6f", ProtocolViolationReason.WrongShape)]
    [InlineData("a3 61 62 63", ProtocolViolationReason.WrongShape)]
    [InlineData("92 02 a1 78", ProtocolViolationReason.WrongShape)]
    [InlineData("93 00 01 a1 78", ProtocolViolationReason.WrongShape)]
    [InlineData("93 07 a1 78 90", ProtocolViolationReason.UnknownKind)]
    [InlineData("93 a1 78 a1 78 90", ProtocolViolationReason.UnknownKind)]
    [InlineData("94 00 ff a1 78 90", ProtocolViolationReason.InvalidMsgId)]
    [InlineData("94 00 cf 00 00 00 01 00 00 00 00 a1 78 90", ProtocolViolationReason.InvalidMsgId)]
    [InlineData("94 00 a1 31 a1 78 90", ProtocolViolationReason.InvalidMsgId)]
    [InlineData("94 00 01 05 90", ProtocolViolationReason.InvalidMethod)]
    [InlineData("93 02 c0 90", ProtocolViolationReason.InvalidMethod)]
    [InlineData("93 02 a1 78 91 c1", ProtocolViolationReason.Malformed)]
    public void Wrong_shapes_are_violations_with_their_reason(string hex, ProtocolViolationReason reason) =>
        Assert.Equal(reason, Reject(Hex(hex)).Reason);

    [Fact]
    public void Method_name_longer_than_the_limit_is_a_violation()
    {
        var bytes = Pack.Array(2, new string('m', 300), Array.Empty<int>());
        Assert.Equal(ProtocolViolationReason.InvalidMethod, Reject(bytes).Reason);
    }

    [Fact]
    public void Stream_ending_inside_a_frame_is_a_truncation_violation()
    {
        var violation = Reject(Hex("94 00 01 a3 61 64"), atEnd: true);
        Assert.Equal(ProtocolViolationReason.TruncatedAtEndOfStream, violation.Reason);
        Assert.Equal(0, violation.ByteOffset);
    }

    [Fact]
    public void Violation_reports_the_stream_offset_of_the_offending_frame()
    {
        var good = Pack.Array(2, "x", Array.Empty<int>());
        var violation = Reject([.. good, .. good, 0xc1]);
        Assert.Equal(2L * good.Length, violation.ByteOffset);
    }

    [Fact]
    public void Limits_reject_non_positive_values() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new DecoderLimits { MaxDepth = 0 });
}
