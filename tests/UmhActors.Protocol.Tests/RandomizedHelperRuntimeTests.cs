using System.Buffers;
using CsCheck;
using UmhActors.Native.Processes;
using UmhActors.Protocol.Framing;
using Xunit;
using Xunit.Abstractions;

namespace UmhActors.Protocol.Tests;

/// <summary>
/// Randomized, stateful conversations with the real NativeAOT test helper over real pipes: random
/// interleavings of fast, slow and throwing requests, cancels (of running, finished and unknown
/// requests), pings, notifications (some throwing), stray responses, <c>$/shutdown</c> and stdin EOF,
/// written in random groups with random pauses. <see cref="RuntimeConversationModel"/> checks the
/// whole transcript: one response per request, one pong per ping, well-formed frames, exit code 0.
/// </summary>
/// <remarks>Runs for 3 seconds by default; set <c>UMH_RANDOMIZED_SECONDS</c> (e.g. 600) for a long
/// run. A failure prints the shrunk conversation and its seed; <c>CsCheck_Seed=SEED</c> replays it.</remarks>
public sealed class RandomizedHelperRuntimeTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = HelperConnection.Timeout;

    private static int Seconds => int.TryParse(Environment.GetEnvironmentVariable("UMH_RANDOMIZED_SECONDS"), out var s) && s > 0 ? s : 3;

    private static readonly Gen<RuntimeStep> Step =
        Gen.Select(
            Gen.Frequency(
                (30, RuntimeStepKind.Echo), (30, RuntimeStepKind.Add), (24, RuntimeStepKind.Sleep), (10, RuntimeStepKind.Fail),
                (4, RuntimeStepKind.UnknownMethod), (3, RuntimeStepKind.SlowCancelCallback), (3, RuntimeStepKind.ThrowingCancelCallback),
                (24, RuntimeStepKind.Cancel), (10, RuntimeStepKind.PingNotification), (6, RuntimeStepKind.PingRequest),
                (8, RuntimeStepKind.NotifyBack), (5, RuntimeStepKind.ThrowingNotification), (2, RuntimeStepKind.UnknownNotification),
                (2, RuntimeStepKind.StrayResponse), (2, RuntimeStepKind.Shutdown), (2, RuntimeStepKind.ShutdownRequest),
                (3, RuntimeStepKind.Eof), (1, RuntimeStepKind.BigEcho)),
            Gen.Int[0, 100],
            Gen.Int[0, 4].Select(i => i < 2),
            Gen.Int[0, 19].Select(i => i < 17 ? 0 : i - 16),
            (kind, arg, endsWrite, pause) => new RuntimeStep(kind, arg, endsWrite, pause));

    [Fact]
    public async Task Random_conversations_answer_every_request_once_and_end_with_exit_zero() =>
        await Step.Array[1, 60].SampleAsync(RunConversation, output.WriteLine, time: Seconds, threads: 2,
            print: steps => string.Join(", ", steps));

    private static async Task RunConversation(RuntimeStep[] steps)
    {
        await using var process = Helpers.LaunchCSharp();
        var transcript = ReadTranscript(process);
        var model = new RuntimeConversationModel();
        var queued = new ArrayBufferWriter<byte>();
        foreach (var step in steps)
        {
            if (step.Kind == RuntimeStepKind.Eof) break;
            model.Write(step, queued);
            if (!step.EndsWrite) continue;
            if (!await TryWrite(process, queued, model)) break;
            if (step.PauseMs > 0) await Task.Delay(step.PauseMs);
        }
        await TryWrite(process, queued, model);
        process.Stdin!.Dispose();

        var exit = await process.Exited.WaitAsync(Timeout);
        model.Verify(await transcript.WaitAsync(Timeout), exit);
    }

    /// <summary>Writes what is queued; false when the helper is gone, which only a <c>$/shutdown</c> allows.</summary>
    private static async Task<bool> TryWrite(HelperProcess process, ArrayBufferWriter<byte> queued, RuntimeConversationModel model)
    {
        if (queued.WrittenCount == 0) return true;
        try
        {
            await process.Stdin!.WriteAsync(queued.WrittenMemory).AsTask().WaitAsync(Timeout);
            return true;
        }
        catch (IOException) when (model.ShutdownSent)
        {
            return false;
        }
        finally
        {
            queued.ResetWrittenCount();
        }
    }

    /// <summary>Every frame the helper writes, in order, until it closes stdout; a malformed one fails.</summary>
    private static async Task<IReadOnlyList<Frame>> ReadTranscript(HelperProcess process)
    {
        var frames = new List<Frame>();
        var input = new FrameReadBuffer(new FrameDecoder());
        while (true)
        {
            var read = await process.Stdout!.ReadAsync(input.GetMemory());
            if (read == 0)
            {
                input.Complete();
                return frames;
            }
            input.Advance(read);
            while (input.TryReadFrame(out var frame)) frames.Add(frame.Detach());
        }
    }
}
