using System.Buffers;

namespace UmhActors.Protocol.Runtime;

/// <summary>
/// Frames waiting to be written. Producers encode into one shared buffer under a lock; a single
/// writer thread swaps it out and writes everything queued with one write, so a burst of frames
/// costs one system call. The reader thread may instead write its own batch itself at the end of
/// a read (<see cref="BeginBatch"/>/<see cref="EndBatch"/>) when no write is in progress: an
/// inline answer then costs no thread hand-off, which is most of a small request's latency.
/// </summary>
/// <remarks>
/// <para>While a batch runs, its frames wait for its end, or go to the writer thread once
/// <see cref="HandOffBytes"/> have gathered, so a pipelined burst streams back in writes of a few
/// KiB while the reader goes on. A batch that runs long (an inline handler that blocks) must not
/// hold earlier answers back: the writer thread, woken once per batch by <see cref="HandOff"/>,
/// takes them itself once the batch is older than <see cref="HandOffDelay"/>. Waking it before
/// every inline handler instead cost one write and two futex calls per three or four answers
/// (docs/benchmarks.md, "rtt").</para>
/// <para>Every pulse has a waiter that needs it: the idle writer (new frames, a batch to time, a
/// write ended with frames left), the producers stopped at <see cref="HighWater"/>, or the end.</para>
/// </remarks>
internal sealed class Outbox
{
    // Producers wait past this much unwritten output so a flood cannot exhaust memory.
    private const int HighWater = 8 * 1024 * 1024;

    /// <summary>A running batch hands what it queued to the writer thread once it is this large.</summary>
    internal const int HandOffBytes = 4096;

    /// <summary>How long a batch's frames may wait for the batch to end before the writer thread
    /// takes them.</summary>
    internal static readonly TimeSpan HandOffDelay = TimeSpan.FromMilliseconds(1);

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
    // Counts batches from 1, so the writer can tell the batch it timed from a later one (0: none timed).
    private long _batchNumber;
    // The writer was woken for the current batch (at most once per batch, unless its frames grow past HandOffBytes).
    private bool _batchWokeWriter;
    // The batch the writer thread is timing, and since when (Environment.TickCount64).
    private long _timedBatch;
    private long _timedBatchSince;
    private bool _writerIdle;
    private bool _writerTiming;
    private int _producersWaiting;

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
            // Wake the writer before waiting for it: a batching reader's own frames may not have.
            _producersWaiting++;
            Monitor.PulseAll(_gate);
            Monitor.Wait(_gate);
            _producersWaiting--;
        }
        // Output is gone: keep accepting frames but drop them rather than grow without end.
        if (_broken) _pending.ResetWrittenCount();
        return _pending;
    }

    public void Release()
    {
        // The batching thread's frames wait for EndBatch or HandOff; anyone else's wake an idle writer
        // (one that is writing or timing a batch takes them when it looks again).
        if (_writerIdle && _batchThread != Environment.CurrentManagedThreadId) Monitor.PulseAll(_gate);
        Monitor.Exit(_gate);
    }

    /// <summary>Frames queued by the calling thread until <see cref="EndBatch"/> wait for it.</summary>
    public void BeginBatch()
    {
        lock (_gate)
        {
            _batchThread = Environment.CurrentManagedThreadId;
            _batchNumber++;
            _batchWokeWriter = false;
        }
    }

    /// <summary>Called before user code runs on the batching thread: if it blocks, earlier answers must
    /// not wait for it. Wakes the writer thread once per batch to take them after
    /// <see cref="HandOffDelay"/>, or at once when they reach <see cref="HandOffBytes"/>.</summary>
    public void HandOff()
    {
        // Read outside the lock: a stale value costs one needless trip through the lock, never a
        // missed wake. The writer clears _batchWokeWriter only as it takes every pending frame, and
        // this thread's frames queued after that take went through the lock, which shows the clear.
        var full = _pending.WrittenCount >= HandOffBytes;
        if (_batchWokeWriter && !full) return;
        lock (_gate)
        {
            if (_pending.WrittenCount == 0) return;
            full = _pending.WrittenCount >= HandOffBytes;
            if (_batchWokeWriter && !full) return;
            _batchWokeWriter = true;
            // A writer that is writing looks again when done; one idle or timing must be woken.
            if (_writerIdle || (full && _writerTiming)) Monitor.PulseAll(_gate);
        }
    }

    /// <summary>Writes what is queued on the calling thread if no write is in progress; otherwise
    /// leaves it to the writer thread, which looks again when its write ends.</summary>
    public void EndBatch()
    {
        ArrayBufferWriter<byte> batch;
        lock (_gate)
        {
            _batchThread = 0;
            if (_pending.WrittenCount == 0) return;
            if (_writing || _broken)
            {
                if (_writerIdle) Monitor.PulseAll(_gate);
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
                while (!_broken)
                {
                    if (_writing || (_pending.WrittenCount == 0 && !_completed)) WaitIdleLocked();
                    else if (_completed || !BatchHoldsPendingLocked()) break;
                }
                if (_pending.WrittenCount == 0 || _broken)
                {
                    _drained.TrySetResult();
                    return;
                }
                if (_batchThread != 0) RearmRunningBatchLocked();
                batch = TakePendingLocked();
            }
            if (!WriteBatch(batch)) return;
        }
    }

    private void WaitIdleLocked()
    {
        _writerIdle = true;
        Monitor.Wait(_gate);
        _writerIdle = false;
    }

    // Called under the gate, with frames pending and no write in progress: true while a running batch
    // will write them at its end, after waiting (the gate released) up to what is left of the batch's
    // HandOffDelay. False once the batch ended, ran past the delay, or queued HandOffBytes.
    private bool BatchHoldsPendingLocked()
    {
        if (_batchThread == 0 || _pending.WrittenCount >= HandOffBytes) return false;
        var now = Environment.TickCount64;
        if (_timedBatch != _batchNumber)
        {
            _timedBatch = _batchNumber;
            _timedBatchSince = now;
        }
        var left = _timedBatchSince + (long)HandOffDelay.TotalMilliseconds - now;
        if (left < 0) return false;
        _writerTiming = true;
        Monitor.Wait(_gate, TimeSpan.FromMilliseconds(left + 1));
        _writerTiming = false;
        return true;
    }

    // Called under the gate when the writer takes a running batch's frames. The batch's later frames
    // wait again for HandOffBytes or a fresh HandOffDelay, timed from the writer's next look: taking
    // whatever had gathered at every look once the first delay passed wrote a long batch one answer
    // at a time (144 writes for 2,000 answers on a loaded machine). HandOff wakes the writer again
    // so that frames queued after this take are not held behind a handler that then blocks.
    private void RearmRunningBatchLocked()
    {
        _timedBatch = 0;
        _batchWokeWriter = false;
    }

    // Called under the gate: the caller becomes the one writer until WriteBatch returns.
    private ArrayBufferWriter<byte> TakePendingLocked()
    {
        var batch = _pending;
        _pending = _spare;
        _spare = batch;
        _writing = true;
        if (_producersWaiting > 0) Monitor.PulseAll(_gate);
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
            // Frames queued meanwhile (by handlers on other threads) go with the writer thread: wake
            // it if this write was the reader's; the end and full producers wait for any write.
            if ((_writerIdle && _pending.WrittenCount > 0) || _producersWaiting > 0 || _completed) Monitor.PulseAll(_gate);
        }
        return true;
    }
}
