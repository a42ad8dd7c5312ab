using UmhActors.Native.Io;
using UmhActors.Native.Launch;
using UmhActors.Native.Tests.Support;
using UmhActors.Protocol.Framing;

namespace UmhActors.Native.Tests;

/// <summary>Every read that delivered frames ends with <see cref="IFrameReceiver.OnReadBatchEnd"/>, where
/// receivers hand the read's answers on, however the read ends.</summary>
public sealed class FrameChannelReadBatchTests
{
    [Fact]
    public async Task A_read_that_ends_in_a_protocol_violation_still_ends_the_batch_of_the_frames_before_it()
    {
        // One good frame and then a byte MessagePack never uses, in one write: one read delivers the
        // frame and then fails to decode.
        using var blob = TestBlobs.Shell("frame-then-garbage", @"printf '\223\002\241x\220\301'; exec sleep 30");
        await using var process = HelperLauncher.Launch(blob);
        var receiver = new Receiver();
        using var channel = new FrameChannel(process, receiver);
        channel.Start();
        var closure = await receiver.Closed.Task.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.NotNull(closure.Violation);
        Assert.Equal(["frame", "batch end", "closed"], receiver.Calls);
    }

    private sealed class Receiver : IFrameReceiver
    {
        public readonly TaskCompletionSource<ChannelClosure> Closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public readonly List<string> Calls = [];

        public void OnFrame(in Frame frame) => Calls.Add("frame");

        public void OnReadBatchEnd() => Calls.Add("batch end");

        public void OnClosed(ChannelClosure closure)
        {
            Calls.Add("closed");
            Closed.TrySetResult(closure);
        }
    }
}
