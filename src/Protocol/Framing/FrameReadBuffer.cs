using System.Buffers;

namespace UmhActors.Protocol.Framing;

/// <summary>
/// The receive side of a byte stream: a buffer to read into and a <see cref="FrameDecoder"/> over
/// what has arrived. Read into <see cref="GetMemory"/>, <see cref="Advance"/> by the count, then
/// take frames with <see cref="TryReadFrame"/> until it returns false.
/// </summary>
/// <remarks>The buffer grows only when a single frame does not fit, and never past what has
/// really arrived (the decoder bounds a frame by <see cref="DecoderLimits.MaxFrameSize"/>).
/// Frames borrow the buffer: they are valid until the next <see cref="GetMemory"/>;
/// <see cref="Frame.Detach"/> keeps one longer. Not thread-safe.</remarks>
public sealed class FrameReadBuffer
{
    private readonly FrameDecoder _decoder;
    private byte[] _buffer;
    private int _start;
    private int _end;

    /// <summary>A buffer decoding with <paramref name="decoder"/> (default limits when null).</summary>
    public FrameReadBuffer(FrameDecoder? decoder = null, int initialSize = 64 * 1024)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(initialSize);
        _decoder = decoder ?? new FrameDecoder();
        _buffer = new byte[initialSize];
    }

    /// <summary>Bytes received but not yet consumed as whole frames.</summary>
    public int Pending => _end - _start;

    /// <summary>Space to read the next bytes into: never empty.</summary>
    public Memory<byte> GetMemory()
    {
        if (_start == _end) _start = _end = 0;
        if (_end == _buffer.Length)
        {
            if (_start > 0)
            {
                _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
                _end -= _start;
                _start = 0;
            }
            else
            {
                // One partial frame fills the buffer. The decoder has already rejected it if it
                // declared more than the limit, so growing up to the limit is bounded.
                Array.Resize(ref _buffer, (int)Math.Min((long)_buffer.Length * 2, _decoder.Limits.MaxFrameSize + 16L));
            }
        }
        return _buffer.AsMemory(_end);
    }

    /// <summary>Records that <paramref name="count"/> bytes were read into <see cref="GetMemory"/>.</summary>
    public void Advance(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, _buffer.Length - _end);
        _end += count;
    }

    /// <summary>The next whole frame received, if any.</summary>
    /// <exception cref="ProtocolViolationException">The bytes are not a valid frame.</exception>
    public bool TryReadFrame(out Frame frame)
    {
        var pending = new ReadOnlySequence<byte>(_buffer, _start, _end - _start);
        if (!_decoder.TryDecode(ref pending, out frame)) return false;
        _start = _end - (int)pending.Length;
        return true;
    }

    /// <summary>Call at end of stream: throws a <see cref="ProtocolViolationReason.TruncatedAtEndOfStream"/>
    /// violation when part of a frame is left.</summary>
    public void Complete() => _decoder.Complete(new ReadOnlySequence<byte>(_buffer, _start, _end - _start));
}
