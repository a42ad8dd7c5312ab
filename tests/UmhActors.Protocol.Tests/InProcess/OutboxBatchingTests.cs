using UmhActors.Protocol.Framing;
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
            .HandleInline("block", c =>
            {
                release.Wait(InProcessRuntime.Timeout);
                return c.Params;
            }));
        helper.Start();
        await helper.NotificationAsync("$/hello");

        // One write, so one read: the three answers and the blocking handler share a batch.
        helper.Send(output =>
        {
            for (uint id = 1; id <= 3; id++) FrameWriter.WriteRequest(output, id, "echo", Pack.Value((int)id));
            FrameWriter.WriteRequest(output, 4, "block", Pack.Value(4));
        });

        for (uint id = 1; id <= 3; id++)
            Assert.Equal((int)id, Pack.Read<int>((await helper.WaitForAsync(f => f.Kind == FrameKind.Response && f.MsgId == id, WhileBlocked)).Result));
        Assert.DoesNotContain(helper.Frames, f => f.Kind == FrameKind.Response && f.MsgId == 4);
        release.Set();
        Assert.Equal(4, Pack.Read<int>((await helper.ResponseAsync(4)).Result));
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

        Assert.Equal(1, Pack.Read<int>((await helper.WaitForAsync(f => f.Kind == FrameKind.Response && f.MsgId == 1, WhileBlocked)).Result));
        release.Set();
        Assert.Equal(2, Pack.Read<int>((await helper.ResponseAsync(2)).Result));
    }

    [Fact]
    public async Task A_burst_is_answered_in_about_one_write_per_read_not_one_per_few_answers()
    {
        const int requests = 2000;
        var writes = new List<int>();
        var reads = 0;
        await using var helper = new InProcessRuntime(b => b.HandleInline("echo", c => c.Params),
            wrapOutput: output => new CountingStream(output, writes, null),
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
        helper.Send(output =>
        {
            for (uint id = 1; id <= requests; id++) FrameWriter.WriteRequest(output, id, "echo", payload);
        });
        await helper.WaitForAsync(f => f.Kind == FrameKind.Response && f.MsgId == requests);

        int[] burst;
        lock (writes) burst = writes.Skip(writesBefore).ToArray();
        var burstReads = Volatile.Read(ref reads) - readsBefore;
        var bytes = burst.Sum();
        // Each read ends in a write of its own, and within a read answers leave in hand-offs of 4 KiB
        // (a hand-off may be split by a write in progress). One write per few answers (the old hand-off
        // before every inline handler) is hundreds for 2,000 answers.
        var bound = burstReads + 2 * (bytes / 4096) + 4;
        Assert.True(burst.Length <= bound,
            $"{burst.Length} writes for {requests} answers ({bytes} bytes) in {burstReads} reads, expected at most {bound}: {string.Join(", ", burst.Take(40))}");
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

    /// <summary>Records the size of every write (<paramref name="writes"/>) or counts every read
    /// (<paramref name="onRead"/>) of the stream it wraps.</summary>
    private sealed class CountingStream(Stream inner, List<int>? writes, Action? onRead) : Stream
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
            inner.Write(buffer);
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing) inner.Dispose();
            base.Dispose(disposing);
        }
    }
}
