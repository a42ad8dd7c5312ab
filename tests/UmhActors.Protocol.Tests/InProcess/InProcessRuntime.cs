using System.Buffers;
using System.IO.Pipes;
using UmhActors.Protocol.Framing;
using UmhActors.Protocol.Runtime;

namespace UmhActors.Protocol.Tests.InProcess;

/// <summary>
/// A <see cref="HelperRuntime"/> run inside the test host over two real pipes (the runtime's
/// stdin and stdout), with a host end that records every frame the runtime writes. The helper
/// processes the other tests launch run a NativeAOT build of the runtime, which neither coverage
/// nor mutation testing can see; this runs the same code in-process.
/// </summary>
internal sealed class InProcessRuntime : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private readonly AnonymousPipeServerStream _toRuntime = new(PipeDirection.Out);
    private readonly AnonymousPipeServerStream _fromRuntime = new(PipeDirection.In);
    private readonly AnonymousPipeClientStream _runtimeInput;
    private readonly AnonymousPipeClientStream _runtimeOutput;
    private readonly List<Frame> _frames = [];
    private readonly TaskCompletionSource<Exception?> _outputClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _inputClosed;

    /// <param name="configure">Handlers and settings.</param>
    /// <param name="name">The helper's name.</param>
    /// <param name="wrapOutput">Wraps the runtime's output stream (to watch its writes).</param>
    /// <param name="wrapInput">Wraps the runtime's input stream (to watch its reads).</param>
    public InProcessRuntime(Func<HelperRuntimeBuilder, HelperRuntimeBuilder>? configure = null, string name = "inproc", Func<Stream, Stream>? wrapOutput = null,
        Func<Stream, Stream>? wrapInput = null)
    {
        _runtimeInput = new AnonymousPipeClientStream(PipeDirection.In, _toRuntime.ClientSafePipeHandle);
        _runtimeOutput = new AnonymousPipeClientStream(PipeDirection.Out, _fromRuntime.ClientSafePipeHandle);
        var builder = HelperRuntime.CreateBuilder(name).WithStreams(wrapInput?.Invoke(_runtimeInput) ?? _runtimeInput, wrapOutput?.Invoke(_runtimeOutput) ?? _runtimeOutput);
        Runtime = (configure ?? (b => b))(builder).Build();
        _ = Task.Factory.StartNew(ReadLoop, TaskCreationOptions.LongRunning);
    }

    public HelperRuntime Runtime { get; }

    /// <summary>Starts the runtime; <see cref="Exit"/> completes with its exit code.</summary>
    public void Start() => Exit ??= Task.Run(Runtime.RunAsync);

    /// <summary>The running runtime's exit code, once it ends.</summary>
    public Task<int>? Exit { get; private set; }

    /// <summary>Every frame the runtime has written so far, in order.</summary>
    public IReadOnlyList<Frame> Frames
    {
        get { lock (_frames) return [.. _frames]; }
    }

    public void Send(Action<IBufferWriter<byte>> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        write(buffer);
        SendRaw(buffer.WrittenSpan);
    }

    public void SendRaw(ReadOnlySpan<byte> bytes)
    {
        _toRuntime.Write(bytes);
        _toRuntime.Flush();
    }

    public void Request(uint msgId, string method, byte[] rawParams) =>
        Send(output => FrameWriter.WriteRequest(output, msgId, method, rawParams));

    /// <summary>The runtime's stdin reaches EOF.</summary>
    public void CloseInput()
    {
        if (_inputClosed) return;
        _inputClosed = true;
        _toRuntime.Dispose();
    }

    /// <summary>The first frame (in the order written) that matches, waiting for it if needed.</summary>
    public async Task<Frame> WaitForAsync(Func<Frame, bool> match, TimeSpan? timeout = null)
    {
        using var cancellation = new CancellationTokenSource(timeout ?? Timeout);
        while (true)
        {
            Task changed;
            lock (_frames)
            {
                foreach (var frame in _frames)
                    if (match(frame)) return frame;
                changed = _changed.Task;
            }
            await changed.WaitAsync(cancellation.Token);
        }
    }

    /// <summary>Waits until <paramref name="condition"/> holds (runtime state, not frames), polling.</summary>
    public static async Task EventuallyAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"not within {Timeout.TotalSeconds} s: {what}");
            await Task.Delay(10);
        }
    }

    public Task<Frame> ResponseAsync(uint msgId) => WaitForAsync(f => f.Kind == FrameKind.Response && f.MsgId == msgId);

    public Task<Frame> NotificationAsync(string method) => WaitForAsync(f => f.Kind == FrameKind.Notification && f.Method == method);

    /// <summary>After the runtime exited (its output drained): closes its stdout and returns
    /// every frame it wrote, so absences can be asserted without waiting on time.</summary>
    public async Task<IReadOnlyList<Frame>> AllFramesAfterExitAsync()
    {
        await ExitCodeAsync();
        _runtimeOutput.Dispose();
        var failure = await _outputClosed.Task.WaitAsync(Timeout);
        if (failure is not null) throw new InvalidOperationException("the runtime's output did not decode", failure);
        return Frames;
    }

    public async Task<int> ExitCodeAsync() => await (Exit ?? throw new InvalidOperationException("not started")).WaitAsync(Timeout);

    private void ReadLoop()
    {
        var input = new FrameReadBuffer(new FrameDecoder());
        try
        {
            while (true)
            {
                var read = _fromRuntime.Read(input.GetMemory().Span);
                if (read == 0) break;
                input.Advance(read);
                while (input.TryReadFrame(out var frame))
                {
                    lock (_frames)
                    {
                        _frames.Add(frame.Detach());
                        var changed = _changed;
                        _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                        changed.TrySetResult();
                    }
                }
            }
            _outputClosed.TrySetResult(null);
        }
        catch (Exception e)
        {
            _outputClosed.TrySetResult(e);
        }
    }

    public async ValueTask DisposeAsync()
    {
        CloseInput();
        if (Exit is { } exit) await exit.WaitAsync(Timeout).ContinueWith(_ => { });
        _runtimeOutput.Dispose();
        _fromRuntime.Dispose();
        _runtimeInput.Dispose();
    }
}
