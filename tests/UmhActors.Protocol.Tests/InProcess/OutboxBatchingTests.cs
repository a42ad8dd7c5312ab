using System.Diagnostics;
using UmhActors.Protocol.Framing;
using UmhActors.Protocol.Runtime;
using Xunit;

namespace UmhActors.Protocol.Tests.InProcess;

/// <summary>How the helper runtime writes its answers: a burst read at once goes back in a few
/// writes, and an inline handler that blocks holds back no answer given before it, nor any answer
/// given meanwhile on another thread.</summary>
public sealed class OutboxBatchingTests
{
    private static readonly TimeSpan WhileBlocked = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan RoundPatience = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task Answers_given_before_a_blocking_inline_handler_are_written_while_it_blocks()
    {
        using var release = new ManualResetEventSlim();
        await using var helper = new InProcessRuntime(b => b
            .HandleInline("echo", c => c.Params)
            .HandleInline("block", BlockUntil(release)));
        helper.Start();
        await helper.NotificationAsync("$/hello");

        // One write, so one read: the three answers and the blocking handler share a batch.
        helper.Send(output =>
        {
            for (uint id = 1; id <= 3; id++) FrameWriter.WriteRequest(output, id, "echo", Pack.Value((int)id));
            FrameWriter.WriteRequest(output, 4, "block", Pack.Value(4));
        });

        await AssertAnsweredWhileBlockedAsync(helper, release, answered: [1, 2, 3], blocked: 4);
    }

    [Fact]
    public async Task An_answer_from_the_thread_pool_is_written_while_an_inline_handler_blocks()
    {
        using var release = new ManualResetEventSlim();
        var pooled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var helper = new InProcessRuntime(b => b
            .Handle("pooled", async c =>
            {
                await pooled.Task;
                return c.Params;
            })
            .HandleInline("block", c =>
            {
                // Lets the pooled handler answer only once this one blocks the reader's batch.
                pooled.TrySetResult();
                release.Wait(InProcessRuntime.Timeout);
                return c.Params;
            }));
        helper.Start();
        await helper.NotificationAsync("$/hello");

        helper.Send(output =>
        {
            FrameWriter.WriteRequest(output, 1, "pooled", Pack.Value(1));
            FrameWriter.WriteRequest(output, 2, "block", Pack.Value(2));
        });

        await AssertAnsweredWhileBlockedAsync(helper, release, answered: [1], blocked: 2);
    }

    [Fact]
    public async Task A_burst_is_answered_in_about_one_write_per_read_not_one_per_few_answers()
    {
        var burst = await AnswerBurstAsync(2000, TimeSpan.Zero, TimeSpan.Zero);
        Assert.True(burst.Writes.Length <= burst.Bound, burst.Describe());
    }

    [Fact]
    public async Task A_batch_that_runs_long_is_answered_in_one_write_per_hand_off_delay_not_one_per_answer()
    {
        // 20 µs per answer: a 2,000-answer read runs about 40 ms, gathering less than HandOffBytes per
        // HandOffDelay, so the writer takes the batch's frames by time. Each write takes 100 µs, so a
        // few answers gather meanwhile (as on a loaded machine): taking whatever had gathered at every
        // look once the first delay passed wrote a few answers per write (hundreds of writes).
        var burst = await AnswerBurstAsync(2000, TimeSpan.FromMicroseconds(20), TimeSpan.FromMicroseconds(100));
        Assert.True(burst.Writes.Length <= burst.Bound, burst.Describe());
        Assert.True(burst.Reads <= 4, $"the burst came in {burst.Reads} reads: the test meant one long batch");
    }

    [Fact]
    public async Task Answers_given_after_the_writer_took_a_long_batchs_first_frames_are_written_while_a_later_handler_blocks()
    {
        using var release = new ManualResetEventSlim();
        await using var helper = new InProcessRuntime(b => b
            .HandleInline("echo", c => c.Params)
            .HandleInline("slow", c =>
            {
                Thread.Sleep(30);
                return c.Params;
            })
            .HandleInline("block", BlockUntil(release)));
        helper.Start();
        await helper.NotificationAsync("$/hello");

        // One read: while "slow" runs, the writer takes answers 1-3 by time; 5-7 come after that take,
        // and must not wait for "block" (the writer, woken once per batch, went idle after the take).
        helper.Send(output =>
        {
            for (uint id = 1; id <= 3; id++) FrameWriter.WriteRequest(output, id, "echo", Pack.Value((int)id));
            FrameWriter.WriteRequest(output, 4, "slow", Pack.Value(4));
            for (uint id = 5; id <= 7; id++) FrameWriter.WriteRequest(output, id, "echo", Pack.Value((int)id));
            FrameWriter.WriteRequest(output, 8, "block", Pack.Value(8));
        });

        await AssertAnsweredWhileBlockedAsync(helper, release, answered: [1, 2, 3, 5, 6, 7], blocked: 8);
    }

    // An inline handler that holds the reader's batch until released; answers its params.
    private static Func<RequestContext, ReadOnlyMemory<byte>> BlockUntil(ManualResetEventSlim release) => c =>
    {
        release.Wait(InProcessRuntime.Timeout);
        return c.Params;
    };

    // Each of the answered requests (echoing its id) is written while the "block" request holds its
    // batch, the blocked one is not; once released, it is answered too.
    private static async Task AssertAnsweredWhileBlockedAsync(InProcessRuntime helper, ManualResetEventSlim release, uint[] answered, uint blocked)
    {
        foreach (var id in answered)
            Assert.Equal((int)id, Pack.Read<int>((await helper.WaitForAsync(f => f.Kind == FrameKind.Response && f.MsgId == id, WhileBlocked)).Result));
        Assert.DoesNotContain(helper.Frames, f => f.Kind == FrameKind.Response && f.MsgId == blocked);
        release.Set();
        Assert.Equal((int)blocked, Pack.Read<int>((await helper.ResponseAsync(blocked)).Result));
    }

    /// <summary>Sends <paramref name="requests"/> echo requests in one write to an inline handler that
    /// spins <paramref name="perAnswer"/> each, and records the runtime's writes (each spinning
    /// <paramref name="perWrite"/>) and reads meanwhile.</summary>
    private static async Task<Burst> AnswerBurstAsync(int requests, TimeSpan perAnswer, TimeSpan perWrite)
    {
        var writes = new List<int>();
        var reads = 0;
        await using var helper = new InProcessRuntime(b => b.HandleInline("echo", c =>
            {
                Spin(perAnswer);
                return c.Params;
            }),
            wrapOutput: output => new CountingStream(output, writes, null, () => Spin(perWrite)),
            wrapInput: input => new CountingStream(input, null, () => Interlocked.Increment(ref reads)));
        helper.Start();
        await helper.NotificationAsync("$/hello");
        int WrittenSoFar()
        {
            lock (writes) return writes.Count;
        }
        var writesBefore = WrittenSoFar();
        var readsBefore = Volatile.Read(ref reads);

        var payload = Pack.Value(new string('x', 24));
        var elapsed = Stopwatch.StartNew();
        helper.Send(output =>
        {
            for (uint id = 1; id <= requests; id++) FrameWriter.WriteRequest(output, id, "echo", payload);
        });
        await helper.WaitForAsync(f => f.Kind == FrameKind.Response && f.MsgId == requests);
        elapsed.Stop();

        lock (writes) return new Burst(requests, writes.Skip(writesBefore).ToArray(), Volatile.Read(ref reads) - readsBefore, elapsed.Elapsed);
    }

    private static void Spin(TimeSpan time)
    {
        var spin = Stopwatch.StartNew();
        while (spin.Elapsed < time) Thread.SpinWait(10);
    }

    private sealed record Burst(int Requests, int[] Writes, int Reads, TimeSpan Elapsed)
    {
        private int Bytes => Writes.Sum();

        /// <summary>Each read ends in a write of its own; within a read, answers leave in hand-offs of
        /// HandOffBytes (one may be split by a write in progress) or, when they gather slower than
        /// that, once per HandOffDelay. One write per few answers (the old hand-off before every inline
        /// handler) is hundreds for 2,000 answers.</summary>
        public int Bound => Reads + 2 * (Bytes / HandOffBytes) + (int)(Elapsed / HandOffDelay) + 4;

        // The runtime's Outbox.HandOffBytes and Outbox.HandOffDelay.
        private const int HandOffBytes = 4096;
        private static readonly TimeSpan HandOffDelay = TimeSpan.FromMilliseconds(1);

        public string Describe() =>
            $"{Writes.Length} writes for {Requests} answers ({Bytes} bytes) in {Reads} reads and {Elapsed.TotalMilliseconds:F1} ms, " +
            $"expected at most {Bound}: {string.Join(", ", Writes.Take(40))}";
    }

    [Fact]
    public async Task Inline_and_pooled_answers_racing_the_batches_are_each_written_exactly_once()
    {
        // Pooled answers arrive from other threads at any point of the reader's batches (before,
        // during, after a hand-off, while the writer times a batch or writes): none may be lost,
        // held for good, or written twice.
        await using var helper = new InProcessRuntime(b => b
            .HandleInline("inline", c => c.Params)
            .Handle("pooled", async c =>
            {
                if (Random.Shared.Next(3) == 0) await Task.Yield();
                else if (Random.Shared.Next(20) == 0) await Task.Delay(1);
                return c.Params;
            }));
        helper.Start();
        await helper.NotificationAsync("$/hello");

        var random = new Random(77);
        uint next = 1;
        for (var round = 0; round < 400; round++)
        {
            // A write of 1 to 60 requests, then nothing until all are answered: an answer left
            // pending at the end of a round (no later batch to carry it) shows as a stuck round.
            var count = (uint)random.Next(1, 61);
            var first = next;
            helper.Send(output =>
            {
                for (var id = first; id < first + count; id++)
                    FrameWriter.WriteRequest(output, id, random.Next(2) == 0 ? "inline" : "pooled", Pack.Value((int)id));
            });
            next += count;
            var expected = (int)(next - 1);
            var deadline = DateTime.UtcNow + RoundPatience;
            while (helper.Frames.Count(f => f.Kind == FrameKind.Response) < expected)
            {
                Assert.True(DateTime.UtcNow < deadline,
                    $"round {round}: {helper.Frames.Count(f => f.Kind == FrameKind.Response)} of {expected} answers after {RoundPatience.TotalSeconds} s");
                await Task.Delay(1);
            }
        }

        var answers = helper.Frames.Where(f => f.Kind == FrameKind.Response).ToList();
        Assert.Equal(Enumerable.Range(1, (int)next - 1).Select(i => (uint)i), answers.Select(f => f.MsgId).Order());
        Assert.All(answers, f => Assert.Equal((int)f.MsgId, Pack.Read<int>(f.Result)));
    }

    /// <summary>Records the size of every write (<paramref name="writes"/>, then runs
    /// <paramref name="onWrite"/>) or counts every read (<paramref name="onRead"/>) of the stream it wraps.</summary>
    private sealed class CountingStream(Stream inner, List<int>? writes, Action? onRead, Action? onWrite = null) : Stream
    {
        public override bool CanRead => inner.CanRead;
        public override bool CanSeek => false;
        public override bool CanWrite => inner.CanWrite;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() => inner.Flush();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));
        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var read = inner.Read(buffer);
            onRead?.Invoke();
            return read;
        }

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            if (writes is not null)
                lock (writes) writes.Add(buffer.Length);
            onWrite?.Invoke();
            inner.Write(buffer);
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing) inner.Dispose();
            base.Dispose(disposing);
        }
    }
}
