using System.Buffers;
using System.Collections.Concurrent;
using System.Threading.Channels;
using UmhActors.Native.Processes;
using UmhActors.Protocol;
using UmhActors.Protocol.Control;
using UmhActors.Protocol.Framing;

namespace UmhActors.Protocol.Tests;

/// <summary>
/// A minimal host end over a real helper process: decodes its stdout with <see cref="FrameDecoder"/>,
/// correlates responses by msgid and queues notifications. What the actor layer does, minus actors.
/// </summary>
public sealed class HelperConnection : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private readonly ConcurrentDictionary<uint, TaskCompletionSource<Frame>> _pending = new();
    private readonly Channel<Frame> _notifications = Channel.CreateUnbounded<Frame>();
    private readonly TaskCompletionSource<ProtocolViolationException?> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly Task _readLoop;
    private int _nextId;

    public HelperConnection(HelperProcess process, DecoderLimits? limits = null)
    {
        Process = process;
        _readLoop = Task.Run(() => ReadLoop(limits));
    }

    public HelperProcess Process { get; }

    /// <summary>Completes when stdout closes: null at a clean end, the violation otherwise.</summary>
    public Task<ProtocolViolationException?> Closed => _closed.Task;

    /// <summary>Bytes the host allocated on its reader thread, to show nothing big was allocated.</summary>
    public long ReaderAllocatedBytes { get; private set; }

    public uint NextId() => (uint)Interlocked.Increment(ref _nextId);

    public async Task SendAsync(Action<IBufferWriter<byte>> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        write(buffer);
        await _writeLock.WaitAsync();
        try
        {
            await Process.Stdin!.WriteAsync(buffer.WrittenMemory).AsTask().WaitAsync(Timeout);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Sends a request and returns the task of its response (not yet awaited).</summary>
    public async Task<Task<Frame>> StartRequestAsync(string method, byte[] rawParams, uint? id = null)
    {
        var msgId = id ?? NextId();
        var response = ExpectResponse(msgId);
        await SendAsync(output => FrameWriter.WriteRequest(output, msgId, method, rawParams));
        return response;
    }

    /// <summary>The response to <paramref name="msgId"/>, for a request the caller sends itself.</summary>
    public Task<Frame> ExpectResponse(uint msgId)
    {
        var response = new TaskCompletionSource<Frame>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[msgId] = response;
        return response.Task.WaitAsync(Timeout);
    }

    public async Task<Frame> RequestAsync(string method, byte[] rawParams) => await await StartRequestAsync(method, rawParams);

    /// <summary>The next notification named <paramref name="method"/>, skipping others (logs, floods).</summary>
    public async Task<Frame> NextNotificationAsync(string method, TimeSpan? timeout = null)
    {
        using var cancellation = new CancellationTokenSource(timeout ?? Timeout);
        while (true)
        {
            var frame = await _notifications.Reader.ReadAsync(cancellation.Token);
            if (frame.Method == method) return frame;
        }
    }

    private async Task ReadLoop(DecoderLimits? limits)
    {
        var input = new FrameReadBuffer(new FrameDecoder(limits));
        try
        {
            while (true)
            {
                // Everything the host does with the bytes is measured, buffer growth and the
                // decoding that ends in a violation included; only the wait for the pipe is not
                // (its continuation may run on another thread).
                var memory = Measured(input.GetMemory);
                var read = await Process.Stdout!.ReadAsync(memory);
                if (read == 0)
                {
                    Measured(() => { input.Complete(); return 0; });
                    break;
                }
                Measured(() =>
                {
                    input.Advance(read);
                    while (input.TryReadFrame(out var frame)) Deliver(frame.Detach());
                    return 0;
                });
            }
            Close(null);
        }
        catch (ProtocolViolationException e)
        {
            Close(e);
        }
        catch (ObjectDisposedException)
        {
            // Disposal closed the pipe under the pending read.
            Close(null);
        }
    }

    private T Measured<T>(Func<T> step)
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        try
        {
            return step();
        }
        finally
        {
            ReaderAllocatedBytes += GC.GetAllocatedBytesForCurrentThread() - before;
        }
    }

    private void Deliver(Frame frame)
    {
        if (frame.Kind == FrameKind.Response)
        {
            if (_pending.TryRemove(frame.MsgId, out var response)) response.TrySetResult(frame);
        }
        else
        {
            _notifications.Writer.TryWrite(frame);
        }
    }

    private void Close(ProtocolViolationException? violation)
    {
        _notifications.Writer.TryComplete();
        foreach (var response in _pending.Values) response.TrySetException(new EndOfStreamException($"helper closed stdout ({(Process.HasExited ? Process.Exited.Result.ToString() : "still running")})"));
        _closed.TrySetResult(violation);
    }

    public async ValueTask DisposeAsync()
    {
        await Process.DisposeAsync();
        await _readLoop.WaitAsync(Timeout);
    }
}
