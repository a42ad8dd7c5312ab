using System.Buffers;
using System.Diagnostics;
using UmhActors.Benchmarks.Infrastructure;
using UmhActors.Protocol.Framing;

namespace UmhActors.Benchmarks.Suites;

/// <summary>
/// Frame codec throughput on one thread: encode a batch of frames into one buffer (as the batching
/// writer does), then decode them all from it (as a read returning many frames does).
/// </summary>
internal sealed class CodecSuite : IBenchmarkSuite
{
    public string Name => "codec";

    public Task<IReadOnlyList<BenchmarkResult>> RunAsync(BenchmarkOptions options)
    {
        var rounds = options.Iterations(full: 9, quick: 3);
        var small = Median(rounds, () => SmallFramesPerSecond(options.Iterations(full: 2_000_000, quick: 200_000)));
        var large = Median(rounds, () => LargeFramesMegabytesPerSecond(options.Iterations(full: 2_000, quick: 200)));
        IReadOnlyList<BenchmarkResult> results =
        [
            new BenchmarkResult("small_frames", new Dictionary<string, double> { ["per_s"] = small, ["rounds"] = rounds }),
            new BenchmarkResult("large_frames", new Dictionary<string, double> { ["mb_per_s"] = large, ["rounds"] = rounds }),
        ];
        return Task.FromResult(results);
    }

    private static double Median(int rounds, Func<double> round)
    {
        round(); // warm-up: JIT tiers, buffer growth
        var samples = Enumerable.Range(0, rounds).Select(_ => round()).Order().ToArray();
        return samples[samples.Length / 2];
    }

    /// <summary>Requests with a 32-byte binary payload, 1,000 per batch.</summary>
    private static double SmallFramesPerSecond(int frames)
    {
        const int batch = 1000;
        var payload = new byte[34];
        payload[0] = 0xc4; // bin8 of 32 bytes
        payload[1] = 32;
        var output = new ArrayBufferWriter<byte>(batch * 64);
        var decoder = new FrameDecoder();
        long checksum = 0;
        var clock = Stopwatch.StartNew();
        for (var done = 0; done < frames; done += batch)
        {
            output.ResetWrittenCount();
            for (var i = 0; i < batch; i++) FrameWriter.WriteRequest(output, (uint)i, "echo", payload);
            var buffer = new ReadOnlySequence<byte>(output.WrittenMemory);
            while (decoder.TryDecode(ref buffer, out var frame)) checksum += frame.MsgId + frame.Params.Length;
        }
        clock.Stop();
        GC.KeepAlive(checksum);
        return frames / clock.Elapsed.TotalSeconds;
    }

    /// <summary>Requests with a 1 MiB binary payload, one per batch.</summary>
    private static double LargeFramesMegabytesPerSecond(int frames)
    {
        var payload = new byte[5 + 1024 * 1024];
        payload[0] = 0xc6; // bin32
        payload[1] = 0x00; payload[2] = 0x10; payload[3] = 0x00; payload[4] = 0x00;
        var output = new ArrayBufferWriter<byte>(payload.Length + 64);
        var decoder = new FrameDecoder();
        long bytes = 0;
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < frames; i++)
        {
            output.ResetWrittenCount();
            FrameWriter.WriteRequest(output, (uint)i, "blob", payload);
            var buffer = new ReadOnlySequence<byte>(output.WrittenMemory);
            while (decoder.TryDecode(ref buffer, out var frame)) bytes += frame.Params.Length;
        }
        clock.Stop();
        return bytes / 1e6 / clock.Elapsed.TotalSeconds;
    }
}
