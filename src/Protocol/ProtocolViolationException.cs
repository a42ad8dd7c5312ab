namespace UmhActors.Protocol;

/// <summary>
/// The peer sent bytes that are not a valid frame. This is the only exception the decoder and the
/// control parsers throw for bad input, whatever was wrong with it.
/// </summary>
/// <remarks>The host treats it as the helper's fault: the helper is killed and the failure is
/// classified as a protocol violation. The reason and offset are data so callers never parse the
/// message.</remarks>
public class ProtocolViolationException : Exception
{
    /// <summary>A violation of <paramref name="reason"/> in the frame starting at <paramref name="byteOffset"/>.</summary>
    public ProtocolViolationException(ProtocolViolationReason reason, long byteOffset, string message, Exception? innerException = null)
        : base($"protocol violation ({reason}) at byte {byteOffset}: {message}", innerException)
    {
        Reason = reason;
        ByteOffset = byteOffset;
    }

    /// <summary>What was wrong.</summary>
    public ProtocolViolationReason Reason { get; }

    /// <summary>Offset in the stream of the first byte of the offending frame (0 for the first frame);
    /// -1 when the violation is not tied to a position in a stream.</summary>
    public long ByteOffset { get; }
}
