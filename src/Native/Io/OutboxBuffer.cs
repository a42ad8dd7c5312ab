using System.Buffers;

namespace UmhActors.Native.Io;

/// <summary>
/// Bytes queued for a pipe: frames are appended at the end (as an <see cref="IBufferWriter{T}"/>)
/// and written from the front, so everything queued goes out in as few writes as the pipe allows.
/// Not thread-safe; the owner locks.
/// </summary>
internal sealed class OutboxBuffer : IBufferWriter<byte>
{
    private byte[] _buffer;
    private int _start;
    private int _end;

    public OutboxBuffer(int initialCapacity = 4096) => _buffer = new byte[initialCapacity];

    public int Length => _end - _start;

    public ReadOnlySpan<byte> Pending => _buffer.AsSpan(_start, _end - _start);

    public void Consume(int count)
    {
        _start += count;
        if (_start == _end) _start = _end = 0;
    }

    public void Clear() => _start = _end = 0;

    public void Advance(int count) => _end += count;

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsMemory(_end);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsSpan(_end);
    }

    private void Ensure(int sizeHint)
    {
        var needed = Math.Max(sizeHint, 256);
        if (_buffer.Length - _end >= needed) return;
        var length = _end - _start;
        if (_start > 0 && _buffer.Length - length >= needed)
        {
            // Room at the front: slide the unsent bytes down instead of growing.
            _buffer.AsSpan(_start, length).CopyTo(_buffer);
        }
        else
        {
            var bigger = new byte[Math.Max(_buffer.Length * 2, length + needed)];
            _buffer.AsSpan(_start, length).CopyTo(bigger);
            _buffer = bigger;
        }
        _start = 0;
        _end = length;
    }
}
