using System.Buffers;
using UmhActors.Protocol.Framing;
using Xunit;

namespace UmhActors.Protocol.Tests;

/// <summary>
/// The decoder against every MessagePack format family and at the exact edges of its limits: a
/// value is framed to its last byte whether it arrives whole, one byte at a time or split across
/// buffer segments, each limit admits exactly its value and refuses one more, and each refusal
/// says what was wrong.
/// </summary>
public sealed class DecoderBoundaryTests
{
    private static byte[] Hex(string hex) => Convert.FromHexString(hex.Replace(" ", ""));

    private static string Repeat(string hexByte, int count) => string.Concat(Enumerable.Repeat(hexByte, count));

    /// <summary>One value of each format (and the edges of the fix* ranges), as hex.</summary>
    public static TheoryData<string> Values() =>
    [
        "00", "7f", "e0", "ff", "c0", "c2", "c3",
        "ca 3f800000", "cb 3ff0000000000000",
        "cc ff", "cd ffff", "ce ffffffff", "cf ffffffffffffffff",
        "d0 80", "d1 8000", "d2 80000000", "d3 8000000000000000",
        "a0", "a3 616263", "bf " + Repeat("61", 31),
        "d9 03 616263", "da 0003 616263", "db 00000003 616263",
        "c4 02 0102", "c5 0002 0102", "c6 00000002 0102",
        "d4 01 aa", "d5 01 aabb", "d6 01 aabbccdd", "d7 01 " + Repeat("aa", 8), "d8 01 " + Repeat("aa", 16),
        "c7 03 01 aabbcc", "c8 0003 01 aabbcc", "c9 00000003 01 aabbcc",
        "90", "93 01 02 03", "9f " + Repeat("01", 15), "9f " + Repeat("a1 61 ", 15),
        "dc 0002 01 02", "dd 00000002 01 02",
        "80", "81 01 02", "8f " + Repeat("01 02 ", 15),
        "de 0001 01 02", "df 00000001 01 02",
        "92 91 90 81 a1 61 93 c0 c2 c3",
    ];

    // [2, "m", [value]] followed by [2, "z", []]: a wrong frame length misreads the second frame.
    private static (byte[] Stream, byte[] Params) TwoNotifications(string valueHex)
    {
        var @params = Hex("91 " + valueHex);
        return ([.. Hex("93 02 a1 6d"), .. @params, .. Hex("93 02 a1 7a 90")], @params);
    }

    private static void AssertTheTwoFrames(IReadOnlyList<Frame> frames, byte[] @params)
    {
        Assert.Equal(2, frames.Count);
        Assert.Equal(FrameKind.Notification, frames[0].Kind);
        Assert.Equal("m", frames[0].Method);
        Assert.Equal(@params, frames[0].Params.ToArray());
        Assert.Equal("z", frames[1].Method);
        Assert.Equal([0x90], frames[1].Params.ToArray());
        Assert.Equal(4 + @params.Length, frames[1].ByteOffset);
    }

    [Theory]
    [MemberData(nameof(Values))]
    public void Every_format_is_framed_to_its_last_byte_when_it_arrives_whole(string valueHex)
    {
        var (stream, @params) = TwoNotifications(valueHex);
        var decoder = new FrameDecoder();
        var buffer = new ReadOnlySequence<byte>(stream);
        var frames = new List<Frame>();

        while (decoder.TryDecode(ref buffer, out var frame)) frames.Add(frame.Detach());

        AssertTheTwoFrames(frames, @params);
        Assert.True(buffer.IsEmpty);
        Assert.Equal(stream.Length, decoder.BytesConsumed);
    }

    [Theory]
    [MemberData(nameof(Values))]
    public void Every_format_is_framed_the_same_when_it_arrives_one_byte_at_a_time(string valueHex)
    {
        var (stream, @params) = TwoNotifications(valueHex);
        var input = new FrameReadBuffer(new FrameDecoder(), initialSize: 4);   // grows and compacts on the way
        var frames = new List<Frame>();
        var firstFrameLength = stream.Length - 5;

        for (var i = 0; i < stream.Length; i++)
        {
            input.GetMemory().Span[0] = stream[i];
            input.Advance(1);
            while (input.TryReadFrame(out var frame)) frames.Add(frame.Detach());
            Assert.Equal(i + 1 < firstFrameLength ? 0 : i + 1 < stream.Length ? 1 : 2, frames.Count);
        }

        AssertTheTwoFrames(frames, @params);
        Assert.Equal(0, input.Pending);
        input.Complete();
    }

    [Theory]
    [MemberData(nameof(Values))]
    public void Every_format_is_framed_the_same_when_split_across_buffer_segments(string valueHex)
    {
        var (stream, @params) = TwoNotifications(valueHex);
        for (var split = 1; split < stream.Length; split++)
        {
            var buffer = Segments(stream[..split], stream[split..]);
            var decoder = new FrameDecoder();
            var frames = new List<Frame>();
            while (decoder.TryDecode(ref buffer, out var frame)) frames.Add(frame.Detach());
            AssertTheTwoFrames(frames, @params);
        }
    }

    [Fact]
    public void A_method_name_split_across_segments_is_read_whole()
    {
        var stream = Hex("93 02 a5 68656c6c6f 90");
        var buffer = Segments(stream[..5], stream[5..]);

        Assert.True(new FrameDecoder().TryDecode(ref buffer, out var frame));
        Assert.Equal("hello", frame.Method);
    }

    [Fact]
    public void A_string_limit_admits_exactly_its_length_and_refuses_one_more_byte()
    {
        var limits = DecoderLimits.Default with { MaxStringLength = 5 };

        Decode(Hex("93 02 a1 6d 91 a5 " + Repeat("61", 5)), limits);
        Decode(Hex("93 02 a1 6d 91 c4 05 " + Repeat("00", 5)), limits);
        var error = Refuse(Hex("93 02 a1 6d 91 a6 " + Repeat("61", 6)), limits);
        Assert.Equal(ProtocolViolationReason.StringTooLong, error.Reason);
        Assert.Equal("a value declares 6 bytes; the limit is 5", Detail(error));
        Assert.Equal(ProtocolViolationReason.StringTooLong, Refuse(Hex("93 02 a1 6d 91 c4 06 " + Repeat("00", 6)), limits).Reason);
    }

    [Fact]
    public void A_collection_limit_admits_exactly_its_length_and_refuses_one_more_entry()
    {
        var limits = DecoderLimits.Default with { MaxCollectionLength = 4 };

        Decode(Hex("93 02 a1 6d 94 01 02 03 04"), limits);
        Decode(Hex("93 02 a1 6d 91 84 01 01 02 02 03 03 04 04"), limits);
        var array = Refuse(Hex("93 02 a1 6d 95 01 02 03 04 05"), limits);
        Assert.Equal(ProtocolViolationReason.CollectionTooLong, array.Reason);
        Assert.Equal("a collection declares 5 entries; the limit is 4", Detail(array));
        Assert.Equal(ProtocolViolationReason.CollectionTooLong, Refuse(Hex("93 02 a1 6d 91 85 " + Repeat("01 01 ", 5)), limits).Reason);
    }

    [Fact]
    public void A_frame_size_limit_admits_a_frame_of_exactly_that_size_and_refuses_one_byte_more()
    {
        var frame = Hex("93 02 a1 6d 91 a5 6162636465");   // 11 bytes

        Decode(frame, DecoderLimits.Default with { MaxFrameSize = 11 });
        var error = Refuse(frame, DecoderLimits.Default with { MaxFrameSize = 10 });
        Assert.Equal(ProtocolViolationReason.FrameTooLarge, error.Reason);
        Assert.Equal("the frame needs at least 11 bytes; the limit is 10", Detail(error));
    }

    [Fact]
    public void A_frame_size_limit_counts_each_declared_child_as_at_least_one_byte()
    {
        // 4 header bytes + a 3-byte array16 header declaring 10 children: at least 17 bytes.
        var error = Refuse(Hex("93 02 a1 6d dc 000a"), DecoderLimits.Default with { MaxFrameSize = 16 });
        Assert.Equal(ProtocolViolationReason.FrameTooLarge, error.Reason);
        Assert.Equal("the frame needs at least 17 bytes; the limit is 16", Detail(error));
        Decode(Hex("93 02 a1 6d dc 000a " + Repeat("01", 10)), DecoderLimits.Default with { MaxFrameSize = 17 });
    }

    [Fact]
    public void A_depth_limit_admits_scalars_at_the_deepest_level_and_refuses_one_more_level()
    {
        var limits = DecoderLimits.Default with { MaxDepth = 2 };

        Decode(Hex("93 02 a1 6d 93 c0 01 a1 61"), limits);
        Decode(Hex("93 02 a1 6d 91 90"), limits);   // an empty array opens no level
        var error = Refuse(Hex("93 02 a1 6d 91 91 c0"), limits);
        Assert.Equal(ProtocolViolationReason.NestingTooDeep, error.Reason);
        Assert.Equal("arrays and maps nest deeper than 2", Detail(error));
        Decode(Hex("93 02 a1 6d 91 91 c0"), DecoderLimits.Default with { MaxDepth = 3 });
    }

    [Fact]
    public void A_method_name_limit_admits_exactly_its_length_and_refuses_one_more_byte()
    {
        var limits = DecoderLimits.Default with { MaxMethodNameLength = 3 };

        Assert.Equal("abc", Decode(Hex("93 02 a3 616263 90"), limits).Method);
        var error = Refuse(Hex("93 02 a4 61626364 90"), limits);
        Assert.Equal(ProtocolViolationReason.InvalidMethod, error.Reason);
        Assert.Equal("method name of 4 bytes exceeds 3", Detail(error));
    }

    [Theory]
    [InlineData("01", ProtocolViolationReason.WrongShape, "a frame must be a MessagePack array; got code 0x01")]
    [InlineData("c1", ProtocolViolationReason.Malformed, "a frame must be a MessagePack array; got code 0xc1")]
    [InlineData("92 c1 00", ProtocolViolationReason.Malformed, "code 0xc1 is never used in MessagePack")]
    [InlineData("93 a1 6d 01 90", ProtocolViolationReason.UnknownKind, "the frame's first element is not an integer")]
    [InlineData("93 07 a1 6d 90", ProtocolViolationReason.UnknownKind, "unknown frame kind 7")]
    [InlineData("94 02 a1 6d 90 90", ProtocolViolationReason.WrongShape, "a kind 2 frame has 4 elements")]
    [InlineData("93 00 01 a1 6d", ProtocolViolationReason.WrongShape, "a kind 0 frame has 3 elements")]
    [InlineData("94 00 a1 78 a1 6d 90", ProtocolViolationReason.InvalidMsgId, "msgid is String, not an unsigned integer")]
    [InlineData("94 00 ff a1 6d 90", ProtocolViolationReason.InvalidMsgId, "msgid -1 does not fit 32 unsigned bits")]
    [InlineData("94 00 cf 0000000100000000 a1 6d 90", ProtocolViolationReason.InvalidMsgId, "msgid 4294967296 does not fit 32 unsigned bits")]
    [InlineData("93 02 01 90", ProtocolViolationReason.InvalidMethod, "method is Integer, not a string")]
    public void Each_refusal_names_its_reason(string hex, ProtocolViolationReason reason, string message)
    {
        var error = Refuse(Hex(hex), DecoderLimits.Default);
        Assert.Equal(reason, error.Reason);
        Assert.Equal(message, Detail(error));
        Assert.Equal($"protocol violation ({reason}) at byte 0: {message}", error.Message);
        Assert.Equal(0, error.ByteOffset);
    }

    [Fact]
    public void The_largest_msgid_is_accepted()
    {
        var frame = Decode(Hex("94 00 ce ffffffff a1 6d 90"), DecoderLimits.Default);
        Assert.Equal(uint.MaxValue, frame.MsgId);
    }

    [Fact]
    public void A_stream_ending_inside_a_frame_says_how_many_bytes_were_left()
    {
        var decoder = new FrameDecoder();
        var buffer = new ReadOnlySequence<byte>(Hex("93 02 a1"));

        Assert.False(decoder.TryDecode(ref buffer, out _));
        var error = Assert.Throws<ProtocolViolationException>(() => decoder.Complete(buffer));
        Assert.Equal(ProtocolViolationReason.TruncatedAtEndOfStream, error.Reason);
        Assert.Equal("the stream ended 3 bytes into a frame", Detail(error));
        decoder.Complete(ReadOnlySequence<byte>.Empty);
    }

    [Fact]
    public void After_a_refusal_the_decoder_scans_the_next_buffer_afresh()
    {
        var decoder = new FrameDecoder(DecoderLimits.Default with { MaxStringLength = 2 });
        var partial = new ReadOnlySequence<byte>(Hex("93 02 a1 6d 92 01"));
        Assert.False(decoder.TryDecode(ref partial, out _));
        var bad = new ReadOnlySequence<byte>(Hex("93 02 a1 6d 91 a3 616263"));
        Assert.Throws<ProtocolViolationException>(() => decoder.TryDecode(ref bad, out _));

        var good = new ReadOnlySequence<byte>(Hex("93 02 a1 6d 91 a2 6162"));
        Assert.True(decoder.TryDecode(ref good, out var frame));
        Assert.Equal(Hex("91 a2 6162"), frame.Params.ToArray());
    }

    [Fact]
    public void Read_buffer_arguments_are_checked()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new FrameReadBuffer(initialSize: 0));
        var input = new FrameReadBuffer(initialSize: 8);
        Assert.Throws<ArgumentOutOfRangeException>(() => input.Advance(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => input.Advance(input.GetMemory().Length + 1));
    }

    /// <summary>The violation's own words, after "protocol violation (Reason) at byte N: ".</summary>
    private static string Detail(ProtocolViolationException error) => error.Message[(error.Message.IndexOf(": ", StringComparison.Ordinal) + 2)..];

    private static Frame Decode(byte[] bytes, DecoderLimits limits)
    {
        var buffer = new ReadOnlySequence<byte>(bytes);
        Assert.True(new FrameDecoder(limits).TryDecode(ref buffer, out var frame));
        Assert.True(buffer.IsEmpty);
        return frame.Detach();
    }

    private static ProtocolViolationException Refuse(byte[] bytes, DecoderLimits limits)
    {
        var decoder = new FrameDecoder(limits);
        var buffer = new ReadOnlySequence<byte>(bytes);
        return Assert.Throws<ProtocolViolationException>(() => decoder.TryDecode(ref buffer, out _));
    }

    private static ReadOnlySequence<byte> Segments(byte[] first, byte[] second)
    {
        var head = new Segment(first, 0);
        var tail = head.Append(second);
        return new ReadOnlySequence<byte>(head, 0, tail, second.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(byte[] bytes, long runningIndex)
        {
            Memory = bytes;
            RunningIndex = runningIndex;
        }

        public Segment Append(byte[] bytes)
        {
            var next = new Segment(bytes, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
