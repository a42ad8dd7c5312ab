using UmhActors.Protocol;

namespace UmhActors.Native.Io;

/// <summary>Why a <see cref="FrameChannel"/> stopped reading.</summary>
/// <param name="Violation">Set when the helper sent bytes that are not valid frames.</param>
/// <param name="ReadError">Set when reading the pipe failed.</param>
public sealed record ChannelClosure(ProtocolViolationException? Violation, Exception? ReadError)
{
    /// <summary>The helper closed its stdout (usually: it exited) after whole frames only.</summary>
    public static ChannelClosure EndOfStream { get; } = new(null, null);

    /// <summary>True for a clean end of stream.</summary>
    public bool IsEndOfStream => Violation is null && ReadError is null;
}
