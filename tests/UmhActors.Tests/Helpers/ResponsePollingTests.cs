using System.Collections.Concurrent;
using System.Diagnostics;
using MessagePack;
using UmhActors.Helpers;
using UmhActors.Native.Io;
using UmhActors.Native.Launch;
using UmhActors.Native.Processes;
using UmhActors.Protocol.Control;
using UmhActors.Protocol.Framing;
using UmhActors.Tests.Support;

namespace UmhActors.Tests.Helpers;

/// <summary>Response polling against the real test helper: the answer is caught on the waiting
/// thread when it comes quickly, the wait is bounded, and a slow helper is soon left to the reactor.</summary>
/// <remarks>Hits and misses are made certain, not likely: a "quick" answer is polled with a budget
/// far longer than any answer takes, and a "slow" one is a sleep the test cancels only after the
/// poll returned, so no descheduling on a loaded machine can turn one into the other.</remarks>
public sealed class ResponsePollingTests : IDisposable
{
    private readonly HelperProcess _process;
    private readonly Receiver _receiver = new();
    private readonly FrameChannel _channel;
    private uint _lastMsgId;
    private long _deliveredBefore;

    public ResponsePollingTests()
    {
        _process = HelperLauncher.Launch(TestHelperBlob.Instance, LaunchOptions.Default.WithStdio(StdioMode.Pipes));
        _channel = new FrameChannel(_process, _receiver);
        _channel.Start();
        Assert.True(_receiver.Hello.Wait(TimeSpan.FromSeconds(10)), "no $/hello");
    }

    [Fact]
    public async Task A_quick_answer_ends_the_poll_as_soon_as_it_is_delivered()
    {
        var budget = TimeSpan.FromSeconds(5);
        for (var i = 0; i < 50; i++)
        {
            // Sent and polled from one thread, as the actor does: the poll starts right after the write.
            var (answer, caught, polled) = await Task.Run(() =>
            {
                var sent = Send("echo", MessagePackSerializer.Serialize(new object[] { i }));
                var watch = Stopwatch.StartNew();
                return (sent, _channel.PollForFrames(budget, _deliveredBefore), watch.Elapsed);
            });
            // Read by the poll or by the reactor (which may win the race): either ends the poll.
            Assert.True(caught, $"round {i}: the answer was not delivered within {budget.TotalMilliseconds} ms");
            Assert.True(polled < budget, $"round {i}: the poll ran its whole budget");
            var (frame, _) = await answer.WaitAsync(TimeSpan.FromSeconds(10));
            Assert.Equal(i, Convert.ToInt32(MessagePackSerializer.Deserialize<object[]>(frame)[0]));
        }
        Assert.Equal(50, _receiver.Responses);
    }

    [Fact]
    public async Task Polling_gives_up_after_its_budget_when_the_helper_is_slow()
    {
        var (msgId, answer) = SendUnanswered();
        var watch = Stopwatch.StartNew();
        var caught = await Task.Run(() => _channel.PollForFrames(TimeSpan.FromMilliseconds(30), _deliveredBefore));
        watch.Stop();
        Assert.False(caught);
        // At least the budget; the upper bound only says the poll did not wait for the answer.
        Assert.InRange(watch.Elapsed, TimeSpan.FromMilliseconds(30), TimeSpan.FromSeconds(10));
        // The reactor still delivers it.
        await CancelAsync(msgId, answer);
    }

    [Fact]
    public async Task The_poller_soon_leaves_a_slow_helper_to_the_reactor()
    {
        var poller = new ResponsePoller(TimeSpan.FromMilliseconds(1));
        for (var i = 0; i < 64; i++)
        {
            var (msgId, answer) = await Task.Factory.StartNew(() =>
            {
                var sent = SendUnanswered();
                poller.AfterFlush(_channel, _deliveredBefore, inFlight: 1);
                return sent;
            });
            await CancelAsync(msgId, answer);
        }
        // Every poll misses: 23 misses bring the hit rate under a quarter; then one probe per 32
        // requests (the 32nd of the remaining 41).
        Assert.Equal(0, poller.Hits);
        Assert.Equal(24, poller.Polls);
    }

    [Fact]
    public async Task The_poller_keeps_polling_a_quick_helper_and_never_with_several_in_flight()
    {
        var poller = new ResponsePoller(TimeSpan.FromSeconds(5));
        for (var i = 0; i < 40; i++)
        {
            var answer = await Task.Factory.StartNew(() =>
            {
                var sent = Send("echo", MessagePackSerializer.Serialize(new object[] { i }));
                poller.AfterFlush(_channel, _deliveredBefore, inFlight: 1);
                return sent;
            });
            await answer.WaitAsync(TimeSpan.FromSeconds(10));
        }
        Assert.Equal(40, poller.Polls);
        Assert.Equal(40, poller.Hits);

        var pipelined = Send("echo", MessagePackSerializer.Serialize(new object[] { 0 }));
        await Task.Run(() => poller.AfterFlush(_channel, _deliveredBefore, inFlight: 2));
        await pipelined.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(40, poller.Polls);
    }

    [Fact]
    public async Task Never_polls_off_the_thread_pool_or_with_a_zero_budget()
    {
        var off = new ResponsePoller(TimeSpan.Zero);
        var answer = Send("echo", MessagePackSerializer.Serialize(new object[] { 1 }));
        await Task.Run(() => off.AfterFlush(_channel, _deliveredBefore, inFlight: 1));
        await answer.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(0, off.Polls);

        var on = new ResponsePoller(TimeSpan.FromMilliseconds(5));
        answer = Send("echo", MessagePackSerializer.Serialize(new object[] { 2 }));
        var dedicated = new Thread(() => on.AfterFlush(_channel, _deliveredBefore, inFlight: 1));
        dedicated.Start();
        dedicated.Join();
        await answer.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(0, on.Polls);
    }

    public void Dispose()
    {
        _channel.Dispose();
        _process.Kill();
        _process.Exited.Wait(TimeSpan.FromSeconds(10));
        _process.Dispose();
    }

    // A request whose answer cannot come until CancelAsync: a sleep of a minute.
    private (uint MsgId, Task<(ReadOnlyMemory<byte> Result, int Thread)> Answer) SendUnanswered()
    {
        var answer = Send("sleep", MessagePackSerializer.Serialize(new object[] { 60_000 }));
        return (_lastMsgId, answer);
    }

    // Cancels the sleep and waits for its (cancelled) answer and the helper's "cancelled" notice.
    private async Task CancelAsync(uint msgId, Task<(ReadOnlyMemory<byte> Result, int Thread)> answer)
    {
        Assert.True(_channel.Enqueue(msgId, static (output, id) => ControlFrames.WriteCancel(output, id)));
        Assert.True(_channel.Flush());
        await answer.WaitAsync(TimeSpan.FromSeconds(10));
    }

    // Sends one request; the channel's delivery count from before the send is left in _deliveredBefore.
    private Task<(ReadOnlyMemory<byte> Result, int Thread)> Send(string method, byte[] rawParams)
    {
        _deliveredBefore = _channel.FramesDelivered;
        var msgId = ++_lastMsgId;
        var answer = _receiver.Expect(msgId);
        Assert.True(_channel.Enqueue((msgId, method, rawParams), static (output, s) => FrameWriter.WriteRequest(output, s.msgId, s.method, s.rawParams)));
        Assert.True(_channel.Flush());
        return answer;
    }

    private sealed class Receiver : IFrameReceiver
    {
        private readonly ConcurrentDictionary<uint, TaskCompletionSource<(ReadOnlyMemory<byte>, int)>> _pending = new();
        public readonly ManualResetEventSlim Hello = new();
        public int Responses;

        public Task<(ReadOnlyMemory<byte> Result, int Thread)> Expect(uint msgId)
        {
            var answer = new TaskCompletionSource<(ReadOnlyMemory<byte>, int)>(TaskCreationOptions.RunContinuationsAsynchronously);
            _pending[msgId] = answer;
            return answer.Task;
        }

        public void OnFrame(in Frame frame)
        {
            if (frame.Kind == FrameKind.Notification) { Hello.Set(); return; }
            if (frame.Kind != FrameKind.Response || !_pending.TryRemove(frame.MsgId, out var answer)) return;
            Interlocked.Increment(ref Responses);
            answer.SetResult((frame.Result.ToArray(), Environment.CurrentManagedThreadId));
        }

        public void OnReadBatchEnd()
        {
        }

        public void OnClosed(ChannelClosure closure)
        {
        }
    }
}
