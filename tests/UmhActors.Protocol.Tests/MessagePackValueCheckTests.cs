using System.Buffers;
using CsCheck;
using MessagePack;
using UmhActors.Protocol.Framing;
using Xunit;

namespace UmhActors.Protocol.Tests;

/// <summary><see cref="MessagePackValueCheck"/> names the first problem of a value in memory, where
/// it is and how big, and agrees with the frame decoder on what it accepts.</summary>
public sealed class MessagePackValueCheckTests
{
    private static readonly DecoderLimits Small = DecoderLimits.Default with { MaxDepth = 3, MaxCollectionLength = 4, MaxStringLength = 4 };

    [Fact]
    public void A_whole_value_of_every_format_within_the_limits_passes()
    {
        var output = new ArrayBufferWriter<byte>();
        var w = new MessagePackWriter(output);
        w.WriteArrayHeader(20);
        w.Write(1); w.Write(-1); w.WriteNil(); w.Write(true); w.Write(false);
        w.Write(1.5f); w.Write(2.5); w.Write((byte)200); w.Write((ushort)60_000); w.Write(uint.MaxValue); w.Write(ulong.MaxValue);
        w.Write(sbyte.MinValue); w.Write(short.MinValue); w.Write(int.MinValue); w.Write(long.MinValue);
        w.Write("four"); w.Write(new byte[4]);
        w.WriteExtensionFormat(new ExtensionResult(1, new byte[4]));  // fixext4
        w.WriteExtensionFormat(new ExtensionResult(1, new byte[3]));  // ext8
        w.WriteMapHeader(1); w.Write("k"); w.WriteArrayHeader(0);    // an empty collection opens no level
        w.Flush();

        Assert.Null(MessagePackValueCheck.Check(output.WrittenSpan, DecoderLimits.Default with { MaxCollectionLength = 20, MaxStringLength = 4 }, 1));
    }

    [Theory]
    [InlineData("", MessagePackValueProblemKind.Empty, 0, 0)]
    [InlineData("92 01", MessagePackValueProblemKind.Truncated, 2, 0)]               // the array's second element is missing
    [InlineData("91 a3 61 62", MessagePackValueProblemKind.Truncated, 1, 0)]         // the string's body is cut short
    [InlineData("91 cd 01", MessagePackValueProblemKind.Truncated, 1, 0)]            // the uint16's body is cut short
    [InlineData("91 da 00", MessagePackValueProblemKind.Truncated, 1, 0)]            // the str16 header is cut short
    [InlineData("01 02 03", MessagePackValueProblemKind.TrailingBytes, 1, 2)]
    [InlineData("92 01 c1", MessagePackValueProblemKind.UnusedCode, 2, 0)]
    [InlineData("91 a5 61 62 63 64 65", MessagePackValueProblemKind.StringTooLong, 1, 5)]
    [InlineData("92 00 c6 00 01 00 00", MessagePackValueProblemKind.StringTooLong, 2, 65536)] // bin32 declaring 64 KiB, body absent
    [InlineData("95 01 02 03 04 05", MessagePackValueProblemKind.CollectionTooLong, 0, 5)]
    [InlineData("91 de 00 05", MessagePackValueProblemKind.CollectionTooLong, 1, 5)] // map16 of 5 pairs, entries absent
    [InlineData("91 91 91 01", MessagePackValueProblemKind.NestingTooDeep, 2, 0)]    // levels 2, 3, then 4 > MaxDepth 3
    public void A_broken_value_reports_its_first_problem_with_offset_and_size(string hex, MessagePackValueProblemKind kind, int offset, long length)
    {
        var bytes = Convert.FromHexString(hex.Replace(" ", ""));

        var problem = MessagePackValueCheck.Check(bytes, Small, depthAlreadyUsed: 1);

        Assert.Equal(new MessagePackValueProblem(kind, offset, length), problem);
    }

    [Fact]
    public void The_depth_already_used_counts_against_the_limit()
    {
        var twoLevels = Convert.FromHexString("919101");

        Assert.Null(MessagePackValueCheck.Check(twoLevels, Small, depthAlreadyUsed: 1));
        Assert.Equal(MessagePackValueProblemKind.NestingTooDeep, MessagePackValueCheck.Check(twoLevels, Small, depthAlreadyUsed: 2)?.Kind);
        Assert.Equal(MessagePackValueProblemKind.NestingTooDeep, MessagePackValueCheck.Check([0x91, 0x01], Small, depthAlreadyUsed: 3)?.Kind);
        Assert.Null(MessagePackValueCheck.Check([0x90], Small, depthAlreadyUsed: 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => MessagePackValueCheck.Check([0x01], Small, depthAlreadyUsed: -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => MessagePackValueCheck.Check([0x01], Small, depthAlreadyUsed: 4));
    }

    [Fact]
    public void Nesting_past_the_small_stack_is_checked_to_the_limit()
    {
        var limits = DecoderLimits.Default with { MaxDepth = 40 };
        byte[] Nested(int levels) => [.. Enumerable.Repeat((byte)0x91, levels), 0x01];

        Assert.Null(MessagePackValueCheck.Check(Nested(39), limits, 1));
        Assert.Equal(new MessagePackValueProblem(MessagePackValueProblemKind.NestingTooDeep, 39, 0), MessagePackValueCheck.Check(Nested(40), limits, 1));
    }

    [Fact]
    public void The_check_accepts_exactly_what_the_frame_decoder_accepts_as_a_notifications_params()
    {
        var seeds = new[]
        {
            Pack.Value(new object?[] { 1, "ab", new byte[3], null, 2.5, new Dictionary<string, int> { ["k"] = 7 } }),
            Pack.Value(new object[] { new object[] { new object[] { 1 } } }),
            Pack.Value(new Dictionary<string, object> { ["a"] = new[] { 1, 2, 3, 4 }, ["b"] = "abcd" }),
            Pack.Value(uint.MaxValue),
        };
        var outcomes = new HashSet<MessagePackValueProblemKind?>();
        // A random byte string, or a seed with one byte overwritten, cut short or appended.
        var values = Gen.OneOf(
            Gen.Byte.Array[0, 12],
            Gen.Select(Gen.Int[0, seeds.Length - 1], Gen.Int[0, 2], Gen.Int[0, 1000], Gen.Byte, (seed, mutation, where, b) =>
            {
                var value = (byte[])seeds[seed].Clone();
                var at = where % value.Length;
                return mutation switch
                {
                    0 => Overwrite(value, at, b),
                    1 => value[..at],
                    _ => [.. value, b],
                };
            }));
        values.Sample(value =>
        {
            var problem = MessagePackValueCheck.Check(value, Small, depthAlreadyUsed: 1);
            var decoderAccepts = DecoderAcceptsAsParams(value);
            Assert.True((problem is null) == decoderAccepts,
                $"value {Convert.ToHexString(value)}: check says {problem?.ToString() ?? "ok"}, decoder {(decoderAccepts ? "accepts" : "rejects")}");
            outcomes.Add(problem?.Kind);
        }, iter: 20_000, threads: 1);

        // Every outcome is reached, or the agreement would prove little.
        foreach (var kind in Enum.GetValues<MessagePackValueProblemKind>())
            Assert.Contains(kind, outcomes);
        Assert.Contains(null, outcomes);
    }

    private static byte[] Overwrite(byte[] value, int at, byte b)
    {
        value[at] = b;
        return value;
    }

    // [2, "m", value]: a notification whose params are the value, as the peer's decoder sees it.
    private static bool DecoderAcceptsAsParams(byte[] value)
    {
        byte[] frame = [0x93, 0x02, 0xa1, (byte)'m', .. value];
        var buffer = new ReadOnlySequence<byte>(frame);
        try
        {
            return new FrameDecoder(Small).TryDecode(ref buffer, out _) && buffer.IsEmpty;
        }
        catch (ProtocolViolationException)
        {
            return false;
        }
    }
}
