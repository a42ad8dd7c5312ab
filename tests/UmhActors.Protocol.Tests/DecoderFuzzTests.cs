using System.Buffers;
using UmhActors.Protocol.Framing;
using Xunit;

namespace UmhActors.Protocol.Tests;

public sealed class DecoderFuzzTests
{
    private static readonly DecoderLimits Limits = new() { MaxFrameSize = 64 * 1024, MaxStringLength = 16 * 1024, MaxCollectionLength = 4096, MaxDepth = 16 };

    private static IEnumerable<byte[]> Seeds()
    {
        var output = new ArrayBufferWriter<byte>();
        FrameWriter.WriteRequest(output, 1, "add", Pack.Array(2, 3));
        yield return output.WrittenSpan.ToArray();
        yield return Pack.Array(1, 1, null, new Dictionary<string, object> { ["a"] = new[] { 1.5, 2.5 }, ["b"] = "text" });
        yield return Pack.Array(1, 2, new Dictionary<string, object> { ["code"] = -1, ["message"] = "m" }, null);
        yield return Pack.Array(2, "$/log", new object[] { "info", "hi", new Dictionary<string, object> { ["n"] = 1L << 40 } });
        yield return Pack.Array(0, uint.MaxValue, "blob", new byte[300]);
    }

    [Fact]
    public void Random_and_mutated_frames_only_ever_raise_protocol_violations_within_a_memory_bound()
    {
        var random = new Random(12345);
        var seeds = Seeds().ToArray();
        var decoded = 0;
        var violations = 0;
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100_000; i++)
        {
            byte[] bytes;
            if (i % 4 == 0)
            {
                bytes = new byte[random.Next(1, 64)];
                random.NextBytes(bytes);
            }
            else
            {
                bytes = (byte[])seeds[random.Next(seeds.Length)].Clone();
                for (var m = random.Next(1, 4); m > 0; m--)
                {
                    var at = random.Next(bytes.Length);
                    switch (random.Next(3))
                    {
                        case 0: bytes[at] = (byte)random.Next(256); break;
                        case 1: bytes[at] ^= (byte)(1 << random.Next(8)); break;
                        default: bytes = bytes[..at]; if (bytes.Length == 0) bytes = [0xdd]; break;
                    }
                }
            }

            var decoder = new FrameDecoder(Limits);
            var buffer = new ReadOnlySequence<byte>(bytes);
            try
            {
                while (decoder.TryDecode(ref buffer, out var frame))
                {
                    decoded++;
                    _ = frame.IsError ? frame.GetError() : null;
                }
                decoder.Complete(buffer);
            }
            catch (ProtocolViolationException)
            {
                violations++;
            }
        }
        var allocatedPerCase = (GC.GetAllocatedBytesForCurrentThread() - before) / 100_000.0;

        Assert.True(violations > 10_000, $"only {violations} violations");
        Assert.True(decoded > 1_000, $"only {decoded} frames decoded");
        // Small inputs must never cause large allocations: a few KiB per case at most.
        Assert.True(allocatedPerCase < 8 * 1024, $"{allocatedPerCase:F0} bytes allocated per case");
    }
}
