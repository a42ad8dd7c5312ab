using System.Buffers;

namespace UmhActors.Protocol.Runtime;

/// <summary>
/// Frames waiting to be written. Producers encode into one shared buffer under a lock; a single
/// writer thread swaps it out and writes everything queued with one write, so a burst of frames
/// costs one system call.
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
        while (_pending.WrittenCount > HighWater && !_broken && !_completed) Monitor.Wait(_gate);
        // Output is gone: keep accepting frames but drop them rather than grow without end.
        if (_broken) _pending.ResetWrittenCount();
        return _pending;
    }

    public void Release()
    {
        Monitor.PulseAll(_gate);
        Monitor.Exit(_gate);
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
                while (_pending.WrittenCount == 0 && !_completed) Monitor.Wait(_gate);
                if (_pending.WrittenCount == 0)
                {
                    _drained.TrySetResult();
                    return;
                }
                batch = _pending;
                _pending = _spare;
                _spare = batch;
                Monitor.PulseAll(_gate);
            }

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
                    Monitor.PulseAll(_gate);
                }
                _drained.TrySetResult();
                return;
            }
            batch.ResetWrittenCount();
        }
    }
}
