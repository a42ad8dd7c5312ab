using UmhActors.Protocol.Framing;

namespace UmhActors.Native.Io;

/// <summary>
/// Receives what a <see cref="FrameChannel"/> reads. Called on the reactor thread (or on a thread
/// polling with <see cref="FrameChannel.PollForFrames"/>), never two calls at once for one
/// channel: implementations hand frames on (an actor Tell) and return; they must not block or throw.
/// </summary>
public interface IFrameReceiver
{
    /// <summary>One decoded frame. Its payloads borrow the channel's buffer: copy (or
    /// <see cref="Frame.Detach"/>) what is kept after returning.</summary>
    void OnFrame(in Frame frame);

    /// <summary>The frames of one read have all been delivered.</summary>
    void OnReadBatchEnd();

    /// <summary>The channel stopped reading: end of stream, a protocol violation or a read error.
    /// Called once; no frame follows.</summary>
    void OnClosed(ChannelClosure closure);
}
