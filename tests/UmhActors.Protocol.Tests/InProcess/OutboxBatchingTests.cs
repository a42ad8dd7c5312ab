using UmhActors.Protocol.Framing;
using Xunit;

namespace UmhActors.Protocol.Tests.InProcess;

/// <summary>How the helper runtime writes its answers: a burst read at once goes back in a few
/// writes, and an inline handler that blocks holds back no answer given before it, nor any answer
/// given meanwhile on another thread.</summary>
public sealed class OutboxBatchingTests
{
    private static readonly TimeSpan WhileBlocked = TimeSpan.FromSeconds(5);

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
    public async Task A_burst_read_at_once_is_answered_in_writes_of_a_few_KiB_not_one_per_few_answers()
    {
        const int requests = 2000;
        var writes = new List<int>();
        await using var helper = new InProcessRuntime(b => b.HandleInline("echo", c => c.Params),
            wrapOutput: output => new WriteCountingStream(output, writes));
        helper.Start();
        await helper.NotificationAsync("$/hello");
        int WrittenSoFar()
        {
            lock (writes) return writes.Count;
        }
        var before = WrittenSoFar();

        var payload = Pack.Value(new string('x', 24));
        helper.Send(output =>
        {
            for (uint id = 1; id <= requests; id++) FrameWriter.WriteRequest(output, id, "echo", payload);
        });
        await helper.WaitForAsync(f => f.Kind == FrameKind.Response && f.MsgId == requests);

        int[] burst;
        lock (writes) burst = writes.Skip(before).ToArray();
        var bytes = burst.Sum();
        // The reader may see the burst in a few reads (64 KiB pipe), each ending in a write of its
        // own; within a read, answers leave in hand-offs of 4 KiB. One write per few answers (the
        // old hand-off before every inline handler) would be hundreds.
        var bound = bytes / 4096 + 16;
        Assert.True(burst.Length <= bound, $"{burst.Length} writes for {requests} answers ({bytes} bytes), expected at most {bound}: {string.Join(", ", burst.Take(40))}");
    }

    /// <summary>Records the size of every write to the stream it wraps.</summary>
    private sealed class WriteCountingStream(Stream inner, List<int> writes) : Stream
    {
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() => inner.Flush();
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
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
