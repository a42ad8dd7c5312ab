using System.Buffers;
using System.Diagnostics;
using UmhActors.Native.Processes;
using UmhActors.Protocol;
using UmhActors.Protocol.Framing;

namespace UmhActors.Native.Io;

/// <summary>
/// msgpack-rpc frames over a helper's stdin and stdout, driven by the reactor: reads are decoded on
/// the reactor thread (or on a caller's thread during <see cref="PollForFrames"/>; one reader at a
/// time either way) and handed to an <see cref="IFrameReceiver"/>; frames queued for the helper go
/// out with one <c>write</c> per <see cref="Flush"/> (or per writable edge when the pipe was full).
/// </summary>
/// <remarks>
/// The read buffer is rented only while bytes are pending, so an idle helper holds no buffer. The
/// buffer grows only as bytes actually arrive, never to a length the helper claims. Any decoding
/// failure closes the channel with a <see cref="ProtocolViolationException"/>; nothing is thrown
/// out of the reactor.
/// </remarks>
public sealed class FrameChannel : IDisposable
{
    private const int ReadChunk = 64 * 1024;

    private readonly PipeReadEnd _input;
    private readonly PipeWriteEnd _output;
    private readonly IFrameReceiver _receiver;
    private readonly FrameDecoder _decoder;
    private readonly int _maxBuffer;
    private readonly Lock _readGate = new();
    private readonly Lock _writeGate = new();
    private readonly OutboxBuffer _outbox = new();
    private byte[]? _readBuffer;
    private int _filled;
    private bool _readClosed;
    private bool _writeBroken;
    private bool _waitingForWritable;
    private long _framesDelivered;

    /// <summary>A channel over <paramref name="process"/>'s stdout (in) and stdin (out).</summary>
    /// <exception cref="ArgumentException">The process was started without pipes.</exception>
    public FrameChannel(HelperProcess process, IFrameReceiver receiver, DecoderLimits? limits = null)
    {
        _input = process.Stdout ?? throw new ArgumentException("the helper has no stdout pipe", nameof(process));
        _output = process.Stdin ?? throw new ArgumentException("the helper has no stdin pipe", nameof(process));
        _receiver = receiver;
        _decoder = new FrameDecoder(limits);
        // Enough for one maximal frame plus a chunk of the next.
        _maxBuffer = _decoder.Limits.MaxFrameSize + ReadChunk;
    }

    /// <summary>Bytes queued and not yet written to the helper.</summary>
    public int QueuedBytes
    {
        get { lock (_writeGate) return _outbox.Length; }
    }

    /// <summary>Starts delivering frames. Call once, after the receiver is ready.</summary>
    public void Start()
    {
        _input.ReadyCallback = OnReadable;
        _output.ReadyCallback = OnWritable;
        // Bytes may have arrived before the callback was set; their edge is gone, so read now.
        OnReadable();
    }

    /// <summary>Queues frames written by <paramref name="encode"/> (with <see cref="FrameWriter"/>).
    /// Nothing is sent until <see cref="Flush"/>. Returns false when the helper's stdin is broken.</summary>
    public bool Enqueue<TState>(TState state, Action<IBufferWriter<byte>, TState> encode)
    {
        lock (_writeGate)
        {
            if (_writeBroken) return false;
            encode(_outbox, state);
            return true;
        }
    }

    /// <summary>Writes everything queued with as few system calls as the pipe allows; what does not
    /// fit is written by the reactor when the pipe drains. Returns false when the helper's stdin is
    /// broken (it exited or closed it); its exit is reported separately.</summary>
    public bool Flush()
    {
        lock (_writeGate)
        {
            if (_writeBroken) return false;
            if (_waitingForWritable) return true;
            return FlushLocked();
        }
    }

    private bool FlushLocked()
    {
        try
        {
            while (_outbox.Length > 0)
            {
                var written = _output.TryWrite(_outbox.Pending);
                if (written == 0)
                {
                    _waitingForWritable = true;
                    return true;
                }
                _outbox.Consume(written);
            }
            _waitingForWritable = false;
            return true;
        }
        catch (Exception e) when (e is NativeCallException or ObjectDisposedException)
        {
            // EPIPE: the helper is gone. Its exit status, not this write, tells the story.
            _writeBroken = true;
            _outbox.Clear();
            return false;
        }
    }

    private void OnWritable()
    {
        lock (_writeGate)
        {
            if (_waitingForWritable && !_writeBroken)
            {
                _waitingForWritable = false;
                FlushLocked();
            }
        }
    }

    /// <summary>Frames delivered to the receiver so far (by the reactor or by <see cref="PollForFrames"/>).</summary>
    public long FramesDelivered => Volatile.Read(ref _framesDelivered);

    /// <summary>
    /// Reads on the calling thread until more than <paramref name="deliveredBefore"/> frames (a
    /// <see cref="FramesDelivered"/> taken before sending) have been delivered, by this call or by
    /// the reactor, or the channel closed, or <paramref name="budget"/> ran out; returns true when
    /// they were. For a caller that expects an answer within microseconds: catching it here saves
    /// the reactor's wake-up and a thread hand-off. The reactor still delivers whatever this does not.
    /// </summary>
    public bool PollForFrames(TimeSpan budget, long deliveredBefore)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(budget.TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            if (ReadAvailable() || FramesDelivered != deliveredBefore) return true;
            if (_readClosed || Stopwatch.GetTimestamp() >= deadline) return false;
            // A pause of well under a microsecond keeps the core (a vCPU) awake without hammering read().
            Thread.SpinWait(20);
        }
    }

    private void OnReadable() => ReadAvailable();

    // Reads until the pipe is empty and delivers every complete frame; true when any was delivered.
    private bool ReadAvailable()
    {
        lock (_readGate)
        {
            if (_readClosed) return false;
            ChannelClosure? closure = null;
            var deliveredBefore = _framesDelivered;
            try
            {
                while (closure is null)
                {
                    var buffer = RentedBuffer();
                    var room = buffer.Length - _filled;
                    if (!_input.TryRead(buffer.AsSpan(_filled), out var count)) break;
                    if (count == 0)
                    {
                        _decoder.Complete(new ReadOnlySequence<byte>(buffer, 0, _filled));
                        closure = ChannelClosure.EndOfStream;
                        break;
                    }
                    _filled += count;
                    DecodeAvailable(buffer);
                    // A short read emptied the pipe; whatever the helper writes next raises a new
                    // edge, so the read that would only say EAGAIN is skipped. Not after a hang-up:
                    // end of stream raises no edge of its own when it came with the last bytes.
                    if (count < room && !_input.HungUp) break;
                }
            }
            catch (ProtocolViolationException violation)
            {
                closure = new ChannelClosure(violation, null);
            }
            catch (Exception e) when (e is NativeCallException or ObjectDisposedException)
            {
                closure = new ChannelClosure(null, e);
            }
            finally
            {
                // Every frame delivered is followed by a batch end, even when decoding the next one
                // failed or the receiver threw: it is where the receiver hands the read's answers on.
                if (_framesDelivered != deliveredBefore) _receiver.OnReadBatchEnd();
            }
            // Nothing was pending (a poll, or a spurious edge): an idle helper holds no buffer.
            if (_filled == 0 && closure is null) ReturnBuffer();
            if (closure is not null) Close(closure);
            return _framesDelivered != deliveredBefore;
        }
    }

    private void DecodeAvailable(byte[] buffer)
    {
        var sequence = new ReadOnlySequence<byte>(buffer, 0, _filled);
        while (_decoder.TryDecode(ref sequence, out var frame))
        {
            // Counted first: whoever the receiver hands the frame to already sees it counted.
            Volatile.Write(ref _framesDelivered, _framesDelivered + 1);
            _receiver.OnFrame(frame);
        }
        var remaining = (int)sequence.Length;
        if (remaining > 0 && remaining != _filled)
            buffer.AsSpan(_filled - remaining, remaining).CopyTo(buffer);
        _filled = remaining;
        if (_filled == 0) ReturnBuffer();
    }

    private byte[] RentedBuffer()
    {
        if (_readBuffer is null)
        {
            _readBuffer = ArrayPool<byte>.Shared.Rent(ReadChunk);
        }
        else if (_readBuffer.Length - _filled < ReadChunk / 4)
        {
            // A frame larger than the buffer is arriving: grow with the bytes actually received.
            if (_readBuffer.Length >= _maxBuffer)
                throw new ProtocolViolationException(ProtocolViolationReason.FrameTooLarge, _decoder.BytesConsumed,
                    $"a frame exceeds the {_decoder.Limits.MaxFrameSize}-byte limit");
            var bigger = ArrayPool<byte>.Shared.Rent(Math.Min(_readBuffer.Length * 2, _maxBuffer));
            _readBuffer.AsSpan(0, _filled).CopyTo(bigger);
            ArrayPool<byte>.Shared.Return(_readBuffer);
            _readBuffer = bigger;
        }
        return _readBuffer;
    }

    private void ReturnBuffer()
    {
        if (_readBuffer is null) return;
        ArrayPool<byte>.Shared.Return(_readBuffer);
        _readBuffer = null;
    }

    private void Close(ChannelClosure closure)
    {
        _readClosed = true;
        _input.ReadyCallback = null;
        ReturnBuffer();
        _filled = 0;
        _receiver.OnClosed(closure);
    }

    /// <summary>Stops reading and writing. The pipes themselves belong to the <see cref="HelperProcess"/>.</summary>
    public void Dispose()
    {
        _input.ReadyCallback = null;
        _output.ReadyCallback = null;
        lock (_readGate)
        {
            _readClosed = true;
            ReturnBuffer();
        }
        lock (_writeGate)
        {
            _writeBroken = true;
            _outbox.Clear();
        }
    }
}
