using System.Buffers;
using UmhActors.Protocol.Framing;
using Xunit;

namespace UmhActors.Protocol.Tests;

/// <summary>
/// The decoder reads a buffer that is one array (every reader's) over its span, common request and
/// response frames straight from their bytes; a buffer of many segments takes the general path
/// (a sequence reader and MessagePackReader). Both must give the same frames and the same violations
/// at the same offsets, for valid frames in every encoding and for mutated bytes.
/// </summary>
public sealed class DecoderFastPathEquivalenceTests
{
    private static readonly DecoderLimits Limits = new() { MaxFrameSize = 64 * 1024, MaxStringLength = 16 * 1024, MaxCollectionLength = 4096, MaxDepth = 16, MaxMethodNameLength = 40 };

    private static IEnumerable<byte[]> Seeds()
    {
        byte[] Request(uint id, string method, byte[] rawParams)
        {
            var output = new ArrayBufferWriter<byte>();
            FrameWriter.WriteRequest(output, id, method, rawParams);
            return output.WrittenSpan.ToArray();
        }
        byte[] Response(uint id, byte[] result)
        {
            var output = new ArrayBufferWriter<byte>();
            FrameWriter.WriteResponse(output, id, result);
            return output.WrittenSpan.ToArray();
        }
        foreach (var id in new uint[] { 0, 1, 127, 128, 255, 256, 65535, 65536, uint.MaxValue })
        {
            yield return Request(id, "echo", Pack.Value(new byte[32]));
            yield return Response(id, Pack.Value(new byte[32]));
        }
        yield return Request(7, new string('m', 31), Pack.Array(1, 2));
        yield return Request(7, new string('m', 32), Pack.Array(1, 2)); // str8: not a fixstr
        yield return Request(7, new string('m', 41), Pack.Array(1, 2)); // past the name limit
        yield return Request(7, "", Pack.Array());
        yield return Pack.Array(0, -1, "echo", Array.Empty<object>()); // a negative msgid
        yield return Pack.Array(0, (long)uint.MaxValue + 1, "echo", Array.Empty<object>());
        yield return [0x94, 0x00, 0xd0, 0x05, 0xa4, (byte)'e', (byte)'c', (byte)'h', (byte)'o', 0x90]; // int8 msgid
        yield return [0x94, 0x00, 0x05, 0xc4, 0x04, (byte)'e', (byte)'c', (byte)'h', (byte)'o', 0x90]; // bin name
        yield return [0x94, 0x00, 0x05, 0xa2, 0xff, 0xfe, 0x90]; // a name that is not UTF-8
        yield return Pack.Array(1, 3, new Dictionary<string, object> { ["code"] = -1, ["message"] = "m" }, null);
        yield return Pack.Array(1, 3, null, null);
        yield return Pack.Array(2, "$/log", new object[] { "info", "hi" });
        yield return Pack.Array(3, 1, null, null);
        yield return Pack.Array(1, 1, null);
        yield return Pack.Array(0, 1, "echo", 1, 2);
    }

    [Fact]
    public void Every_seed_decodes_alike_from_one_array_and_from_many_segments()
    {
        foreach (var seed in Seeds())
            AssertAlike(seed, segmentSize: 1);
    }

    [Fact]
    public void Mutated_and_concatenated_frames_decode_alike_from_one_array_and_from_many_segments()
    {
        var random = new Random(4242);
        var seeds = Seeds().ToArray();
        for (var i = 0; i < 20_000; i++)
        {
            var bytes = seeds[random.Next(seeds.Length)].Concat(seeds[random.Next(seeds.Length)]).ToArray();
            for (var m = random.Next(0, 3); m > 0; m--)
            {
                var at = random.Next(bytes.Length);
                switch (random.Next(3))
                {
                    case 0: bytes[at] = (byte)random.Next(256); break;
                    case 1: bytes[at] ^= (byte)(1 << random.Next(8)); break;
                    default: bytes = bytes[..Math.Max(1, at)]; break;
                }
            }
            AssertAlike(bytes, segmentSize: random.Next(1, 8));
        }
    }

    [Fact]
    public void A_frame_arriving_a_byte_at_a_time_in_one_array_decodes_as_when_whole()
    {
        // The span walk resumes where the last read stopped, as the reader's does.
        foreach (var seed in Seeds())
        {
            var whole = Decode(new ReadOnlySequence<byte>(seed));
            var decoder = new FrameDecoder(Limits);
            var outcome = new List<string>();
            try
            {
                for (var end = 1; end <= seed.Length; end++)
                {
                    // A new array each time, as a reader's buffer may move: same bytes, new identity.
                    var buffer = new ReadOnlySequence<byte>(seed.AsSpan(0, end).ToArray());
                    while (decoder.TryDecode(ref buffer, out var frame)) outcome.Add(Describe(frame));
                    if (outcome.Count > 0) break;
                }
            }
            catch (ProtocolViolationException e)
            {
                outcome.Add($"violation {e.Reason} at {e.ByteOffset}");
            }
            Assert.Equal(whole.Take(outcome.Count), outcome);
        }
    }

    private static void AssertAlike(byte[] bytes, int segmentSize)
    {
        var fromArray = Decode(new ReadOnlySequence<byte>(bytes));
        var fromSegments = Decode(Segmented(bytes, segmentSize));
        Assert.True(fromArray.SequenceEqual(fromSegments),
            $"bytes {Convert.ToHexString(bytes)}:\n one array: {string.Join(" | ", fromArray)}\n segments of {segmentSize}: {string.Join(" | ", fromSegments)}");
    }

    private static List<string> Decode(ReadOnlySequence<byte> buffer)
    {
        var decoder = new FrameDecoder(Limits);
        var outcome = new List<string>();
        try
        {
            while (decoder.TryDecode(ref buffer, out var frame)) outcome.Add(Describe(frame));
            outcome.Add($"needs more with {buffer.Length} bytes left");
        }
        catch (ProtocolViolationException e)
        {
            outcome.Add($"violation {e.Reason} at {e.ByteOffset}");
        }
        return outcome;
    }

    private static string Describe(Frame frame) =>
        $"{frame.Kind} #{frame.MsgId} '{frame.Method}' at {frame.ByteOffset} params {Convert.ToHexString(frame.Params.Span)} " +
        $"result {Convert.ToHexString(frame.Result.Span)} error {Convert.ToHexString(frame.Error.Span)}";

    private static ReadOnlySequence<byte> Segmented(byte[] bytes, int size)
    {
        if (bytes.Length <= size) return new ReadOnlySequence<byte>(bytes); // one segment: not the point
        var first = new Segment(bytes.AsMemory(0, size), 0);
        var last = first;
        for (var at = size; at < bytes.Length; at += size)
            last = last.Append(bytes.AsMemory(at, Math.Min(size, bytes.Length - at)));
        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
