using System.Buffers;

namespace UmhActors.Protocol.Runtime;

/// <summary>
/// Frames waiting to be written. Producers encode into one shared buffer under a lock; a single
/// writer thread swaps it out and writes everything queued with one write, so a burst of frames
/// costs one system call. The reader thread may instead write its own batch itself at the end of
/// a read (<see cref="BeginBatch"/>/<see cref="EndBatch"/>) when no write is in progress: an
/// inline answer then costs no thread hand-off, which is most of a small request's latency.
/// </summary>
internal sealed class Outbox
{
    // Producers wait past this much unwritten output so a flood cannot exhaust memory.
    private const int HighWater = 8 * 1024 * 1024;
    private readonly object _gate = new();
    private readonly Stream _output;
    private readonly Thread _thread;
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ArrayBufferWriter<byte> _pending = new(64 * 1024);
    private ArrayBufferWriter<byte> _spare = new(64 * 1024);
    private bool _completed;
    private bool _broken;
    private bool _writing;
    private int _batchThread;

    public Outbox(Stream output)
    {
        _output = output;
        _thread = new Thread(WriteLoop) { IsBackground = true, Name = "umh-outbox" };
    }

    /// <summary>Completes when everything queued before <see cref="Complete"/> is written, or the output broke.</summary>
    public Task Drained => _drained.Task;

    public void Start() => _thread.Start();

    /// <summary>Takes the lock and returns the buffer to encode whole frames into; always pair with <see cref="Release"/>.
    /// Encoders must not throw half-way through a frame, so payloads from user code are encoded beforehand.</summary>
    public IBufferWriter<byte> Acquire()
    {
        Monitor.Enter(_gate);
        while (_pending.WrittenCount > HighWater && !_broken && !_completed)
        {
            // Wake the writer before waiting for it: a batching reader's own frames did not (they
            // wait for EndBatch), so without this the writer would sleep on and both wait for good.
            Monitor.PulseAll(_gate);
            Monitor.Wait(_gate);
        }
        // Output is gone: keep accepting frames but drop them rather than grow without end.
        if (_broken) _pending.ResetWrittenCount();
        return _pending;
    }

    public void Release()
    {
        // The batching thread writes at EndBatch; waking the writer now would only race it.
        if (_batchThread != Environment.CurrentManagedThreadId) Monitor.PulseAll(_gate);
        Monitor.Exit(_gate);
    }

    /// <summary>Frames queued by the calling thread until <see cref="EndBatch"/> wait for it.</summary>
    public void BeginBatch()
    {
        lock (_gate) _batchThread = Environment.CurrentManagedThreadId;
    }

    /// <summary>Lets the writer thread take what the batch queued so far. Called before user code
    /// runs on the reader thread: if it blocks, earlier answers must not wait for it.</summary>
    public void HandOff()
    {
        lock (_gate)
        {
            if (_pending.WrittenCount > 0) Monitor.PulseAll(_gate);
        }
    }

    /// <summary>Writes what is queued on the calling thread if no write is in progress; otherwise
    /// leaves it to the writer thread.</summary>
    public void EndBatch()
    {
        ArrayBufferWriter<byte> batch;
        lock (_gate)
        {
            _batchThread = 0;
            if (_pending.WrittenCount == 0) return;
            if (_writing || _broken)
            {
                Monitor.PulseAll(_gate);
                return;
            }
            batch = TakePendingLocked();
        }
        WriteBatch(batch);
    }

    public void Complete()
    {
        lock (_gate)
        {
            _completed = true;
            Monitor.PulseAll(_gate);
        }
    }

    private void WriteLoop()
    {
        while (true)
        {
            ArrayBufferWriter<byte> batch;
            lock (_gate)
            {
                while ((_pending.WrittenCount == 0 || _writing) && !_completed && !_broken) Monitor.Wait(_gate);
                while (_writing) Monitor.Wait(_gate);
                if (_pending.WrittenCount == 0 || _broken)
                {
                    _drained.TrySetResult();
                    return;
                }
                batch = TakePendingLocked();
            }
            if (!WriteBatch(batch)) return;
        }
    }

    // Called under the gate: the caller becomes the one writer until WriteBatch returns.
    private ArrayBufferWriter<byte> TakePendingLocked()
    {
        var batch = _pending;
        _pending = _spare;
        _spare = batch;
        _writing = true;
        Monitor.PulseAll(_gate);
        return batch;
    }

    private bool WriteBatch(ArrayBufferWriter<byte> batch)
    {
        try
        {
            _output.Write(batch.WrittenSpan);
            _output.Flush();
        }
        catch (IOException)
        {
            // The host closed its read end: nobody is listening any more.
            lock (_gate)
            {
                _broken = true;
                _writing = false;
                Monitor.PulseAll(_gate);
            }
            _drained.TrySetResult();
            return false;
        }
        batch.ResetWrittenCount();
        lock (_gate)
        {
            _writing = false;
            // Frames queued meanwhile (by handlers on other threads) go with the writer thread.
            Monitor.PulseAll(_gate);
        }
        return true;
    }
}
