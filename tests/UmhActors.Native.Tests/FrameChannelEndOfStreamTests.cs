using UmhActors.Native.Io;
using UmhActors.Native.Launch;
using UmhActors.Native.Tests.Support;
using UmhActors.Protocol.Framing;

namespace UmhActors.Native.Tests;

/// <summary>End of a helper's stdout reaches the channel's receiver, however it arrives.</summary>
public sealed class FrameChannelEndOfStreamTests
{
    [Fact]
    public async Task Stdout_closed_right_after_the_last_frame_is_reported_while_the_helper_runs_on()
    {
        // One frame, then stdout closed at once, then the helper keeps running: the bytes and the
        // hang-up reach the reactor as one edge, and no later edge comes.
        using var blob = TestBlobs.Shell("closes-stdout", @"printf '\223\002\241x\220'; exec sleep 30 >&-");
        await using var process = HelperLauncher.Launch(blob);
        // Both have happened before the channel starts reading.
        var deadline = DateTime.UtcNow + ProcessText.Timeout;
        while (File.Exists($"/proc/{process.Pid}/fd/1") || !File.ReadAllText($"/proc/{process.Pid}/cmdline").StartsWith("sleep"))
        {
            Assert.True(DateTime.UtcNow < deadline, "the helper never closed its stdout");
            await Task.Delay(10);
        }
        var receiver = new Receiver();
        using var channel = new FrameChannel(process, receiver);
        channel.Start();
        var closure = await receiver.Closed.Task.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.True(closure.IsEndOfStream);
        Assert.Equal(1, receiver.Frames);
        Assert.False(process.HasExited);
    }

    private sealed class Receiver : IFrameReceiver
    {
        public readonly TaskCompletionSource<ChannelClosure> Closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public int Frames;

        public void OnFrame(in Frame frame) => Frames++;

        public void OnReadBatchEnd()
        {
        }

        public void OnClosed(ChannelClosure closure) => Closed.TrySetResult(closure);
    }
}
