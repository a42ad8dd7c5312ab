using System.Buffers;
using System.Collections.Concurrent;
using MessagePack.Formatters;
using UmhActors.Protocol.Control;
using UmhActors.Protocol.Framing;

namespace UmhActors.Protocol.Runtime;

/// <summary>
/// The helper side of the protocol: announces <c>$/hello</c>, reads frames from stdin, runs
/// handlers concurrently, answers <c>$/ping</c> from the reader loop, honours <c>$/cancel</c> and
/// <c>$/shutdown</c>, and writes all output through one batching writer.
/// </summary>
/// <remarks>
/// <para>Lifetime: <see cref="RunAsync"/> returns 0 at stdin EOF: in-flight handlers are cancelled
/// and their answers, with everything else queued, are written for at most <see cref="FlushTimeout"/>
/// (a host that only closed its end of stdin still gets one answer per request). It returns 0 after
/// <c>$/shutdown</c> once every in-flight request has been answered, and 3 when the host breaks the
/// protocol (the violation is written to stderr). Its task completes on the thread that ended the
/// run (the reader, or the handler that gave the last answer after <c>$/shutdown</c>), after the
/// output drained: an exiting helper starts no thread, so continuations without a
/// synchronization context run there. <see cref="Run"/> ends the same way and returns the same
/// codes, on its caller, which it uses as the reader.</para>
/// <para>User code never runs where its failure could stop the helper: a request handler that
/// throws fails its request; a notification handler that throws is reported with a <c>$/log</c>
/// error; cancellation callbacks run on the thread pool.</para>
/// <para>Stdin EOF is how a helper learns its host died; see
/// <see cref="HelperRuntimeBuilder.OnStarted"/> for adding <c>PR_SET_PDEATHSIG</c>.</para>
/// </remarks>
public sealed class HelperRuntime
{
    /// <summary>Exit code when the host sent bytes that are not valid frames.</summary>
    public const int ProtocolViolationExitCode = 3;

    /// <summary>How long queued output may take to drain when the runtime stops.</summary>
    public static readonly TimeSpan FlushTimeout = TimeSpan.FromSeconds(2);

    private readonly IReadOnlyDictionary<string, Handler> _handlers;
    private readonly IReadOnlyDictionary<string, Action<RequestContext>> _notifications;
    private readonly IReadOnlyList<string> _capabilities;
    private readonly DecoderLimits _limits;
    private readonly Stream _input;
    private readonly Outbox _outbox;
    private readonly Action<HelperRuntime>? _onStarted;
    private readonly ConcurrentDictionary<uint, InFlightRequest> _inFlight = new();
    private readonly CancellationTokenSource _shutdown = new();
    private readonly TaskCompletionSource<int> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    // The run's result, set by the thread that ended it (see End), after the output drained.
    // Continuations run on that thread: a helper that is exiting starts no pool thread or timer.
    private readonly TaskCompletionSource<int> _exit = new();
    // Completes once shutdown or EOF was seen and every in-flight request has been answered.
    private readonly TaskCompletionSource _quiet = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ConcurrentQueue<uint> _shutdownRequestIds = new();
    private readonly TestFaults _testFaults;
    private int _started;
    private int _finished;
    private int _ending;

    internal HelperRuntime(string name, IReadOnlyDictionary<string, Handler> handlers, IReadOnlyDictionary<string, Action<RequestContext>> notifications,
        IReadOnlyList<string> capabilities, DecoderLimits limits, Stream input, Stream output, Action<HelperRuntime>? onStarted)
    {
        Name = name;
        _handlers = handlers;
        _notifications = notifications;
        _capabilities = capabilities;
        _limits = limits;
        _input = input;
        _outbox = new Outbox(output);
        _onStarted = onStarted;
        _testFaults = new TestFaults(this, TestFaults.EnabledByEnvironment);
    }

    /// <summary>Starts configuring a helper named <paramref name="name"/>.</summary>
    public static HelperRuntimeBuilder CreateBuilder(string name) => new(name);

    /// <summary>The name announced in <c>$/hello</c>.</summary>
    public string Name { get; }

    /// <summary>Cancelled when the host asks for a graceful shutdown or stdin reaches EOF.</summary>
    public CancellationToken ShutdownRequested => _shutdown.Token;

    /// <summary>Requests currently being handled.</summary>
    public int InFlightCount => _inFlight.Count;

    /// <summary>Runs until stdin EOF or <c>$/shutdown</c>; returns the process exit code. Reads stdin
    /// on the calling thread (a helper's <c>Main</c>, which would otherwise only wait), so the run
    /// starts one thread fewer than <see cref="RunAsync"/>: thread starts are much of a helper's
    /// start-up when many start at once. After <c>$/shutdown</c> with requests still in flight, reading
    /// moves to a new thread so that this one can return as soon as the last answer is written (a
    /// blocked read cannot be interrupted); if no thread can be started then (a sandbox's task limit),
    /// this thread goes on reading and returns at the first read after the end, or at EOF.</summary>
    /// <exception cref="InvalidOperationException">The runtime was already started.</exception>
    public int Run()
    {
        Begin();
        ReadLoop(new FrameReadBuffer(new FrameDecoder(_limits)), handOffAtShutdown: true);
        return _exit.Task.GetAwaiter().GetResult();
    }

    /// <summary>Runs until stdin EOF or <c>$/shutdown</c>; returns the process exit code. Reads stdin
    /// on a thread of its own (<c>umh-reader</c>).</summary>
    /// <exception cref="InvalidOperationException">The runtime was already started.</exception>
    public async Task<int> RunAsync()
    {
        Begin();
        // A dedicated thread: helpers may block in reads, and this keeps the pool free for handlers.
        StartReader(new FrameReadBuffer(new FrameDecoder(_limits)));

        return await _exit.Task.ConfigureAwait(false);
    }

    private void Begin()
    {
        if (Interlocked.Exchange(ref _started, 1) != 0) throw new InvalidOperationException("the helper runtime runs once");
        ProcessName.TrySet(Name);
        _outbox.Start();
        Send(static (output, runtime) => ControlFrames.WriteHello(output,
            new HelloMessage(ProtocolVersion.Current, runtime.Name, Environment.ProcessId, runtime._capabilities)), this);
        _onStarted?.Invoke(this);
    }

    private void StartReader(FrameReadBuffer input) =>
        new Thread(static state =>
        {
            var (runtime, input) = ((HelperRuntime, FrameReadBuffer))state!;
            runtime.ReadLoop(input, handOffAtShutdown: false);
        }) { IsBackground = true, Name = "umh-reader" }.Start((this, input));

    /// <summary>Ends the run once <see cref="_done"/> holds the exit code: waits for the in-flight
    /// requests' answers, then for the output to drain, together for at most
    /// <see cref="FlushTimeout"/>, and completes <see cref="RunAsync"/>. Runs on the thread that saw
    /// the end (the reader at EOF or <c>$/shutdown</c>, the last handler after <c>$/shutdown</c>),
    /// and blocks it: starting a pool thread or a timer to wait would make a helper's exit cost
    /// more than the rest of its stop (docs/benchmarks.md, "scale").</summary>
    private void End()
    {
        if (Interlocked.Exchange(ref _ending, 1) != 0) return;
        var code = _done.Task.Result;
        var deadline = Environment.TickCount64 + (long)FlushTimeout.TotalMilliseconds;
        // At EOF the cancelled handlers may still be answering: their answers go out too, in time.
        Wait(_quiet.Task, deadline);
        _outbox.Complete();
        Wait(_outbox.Drained, deadline);
        _exit.TrySetResult(code);
    }

    private static void Wait(Task task, long deadline)
    {
        if (!task.IsCompleted) task.Wait(TimeSpan.FromMilliseconds(Math.Max(0, deadline - Environment.TickCount64)));
    }

    /// <summary>Sends the notification <c>[2, method, params]</c> with raw params (one encoded value).</summary>
    public void Notify(string method, ReadOnlySpan<byte> rawParams)
    {
        var output = _outbox.Acquire();
        try
        {
            FrameWriter.WriteNotification(output, method, rawParams);
        }
        finally
        {
            _outbox.Release();
        }
    }

    /// <summary>Sends a notification whose params are <paramref name="params"/> encoded by <paramref name="formatter"/>.</summary>
    public void Notify<T>(string method, T @params, IMessagePackFormatter<T> formatter) =>
        Notify(method, PayloadCodec.ToBytes(@params, formatter));

    /// <summary>Sends a <c>$/log</c> record to the host. Field values are converted as
    /// <see cref="ControlFrames.WriteLog"/> describes, on the calling thread before the record is
    /// queued: a value whose <see cref="object.ToString"/> throws makes this method throw and
    /// sends nothing; one that logs in turn sends its own record first.</summary>
    public void Log(HelperLogLevel level, string message, IReadOnlyDictionary<string, object?>? fields = null)
    {
        // Encoded outside the output lock, so user ToString() never runs while it is held.
        var record = new ArrayBufferWriter<byte>(256);
        ControlFrames.WriteLog(record, new LogMessage(level, message, fields ?? new Dictionary<string, object?>()));
        Send(static (output, record) => output.Write(record.WrittenSpan), record);
    }

    private void Send<TState>(Action<IBufferWriter<byte>, TState> write, TState state)
    {
        var output = _outbox.Acquire();
        try
        {
            write(output, state);
        }
        finally
        {
            _outbox.Release();
        }
    }

    /// <summary>Reads and dispatches frames until the run ends here (EOF, a violation, <c>$/shutdown</c>
    /// with nothing in flight), or, with <paramref name="handOffAtShutdown"/>, until a
    /// <c>$/shutdown</c> leaves requests in flight and a new reader thread takes over
    /// <paramref name="input"/> (with what it holds), so the caller can wait for the end.</summary>
    private void ReadLoop(FrameReadBuffer input, bool handOffAtShutdown)
    {
        try
        {
            while (true)
            {
                var read = _input.Read(input.GetMemory().Span);
                if (read == 0)
                {
                    input.Complete();
                    Stop(0);
                    End();
                    return;
                }
                input.Advance(read);
                // Answers produced while dispatching this read go out together, from this thread.
                _outbox.BeginBatch();
                try
                {
                    while (input.TryReadFrame(out var frame)) Dispatch(frame);
                }
                finally
                {
                    _outbox.EndBatch();
                }
                // $/shutdown with nothing in flight: this thread's batch is written, end here.
                if (_done.Task.IsCompleted)
                {
                    End();
                    return;
                }
                // $/shutdown with answers to come: the last one ends the run on its handler's
                // thread, and the caller of Run must then return while reads go on elsewhere.
                if (handOffAtShutdown && _shutdown.IsCancellationRequested)
                {
                    if (TryHandOff(input)) return;
                    handOffAtShutdown = false;
                }
            }
        }
        catch (ProtocolViolationException e)
        {
            Console.Error.WriteLine($"{Name}: {e.Message}");
            Stop(ProtocolViolationExitCode);
            End();
        }
        catch (IOException)
        {
            Stop(0);
            End();
        }
    }

    // False when the runtime could not start a thread (out of memory, or a sandbox's task limit):
    // the caller reads on.
    private bool TryHandOff(FrameReadBuffer input)
    {
        try
        {
            StartReader(input);
            return true;
        }
        catch (Exception e) when (e is ThreadStartException or OutOfMemoryException)
        {
            return false;
        }
    }

    private void Stop(int code)
    {
        // The code first: a handler finishing meanwhile would otherwise complete the run with 0.
        _done.TrySetResult(code);
        _ = _shutdown.CancelAsync();
        foreach (var request in _inFlight.Values) request.TryCancel();
        if (_inFlight.IsEmpty) FinishShutdown();
    }

    private void Dispatch(in Frame frame)
    {
        // A test-mode hang: frames are read (so stdin's end still ends the helper) and dropped.
        if (_testFaults.Hung) return;
        switch (frame.Kind)
        {
            case FrameKind.Request when frame.Method == ControlMethods.Ping:
                var token = ControlFrames.ReadToken(frame);
                Send(static (output, state) => ControlFrames.WritePongResponse(output, state.Id, state.Token), (Id: frame.MsgId, Token: token));
                break;
            case FrameKind.Request when frame.Method == ControlMethods.Shutdown:
                _shutdownRequestIds.Enqueue(frame.MsgId);
                BeginShutdown();
                break;
            case FrameKind.Request when TestFaultMethods.IsTestFault(frame.Method):
                _testFaults.Dispatch(frame.MsgId, frame.Method);
                break;
            case FrameKind.Request:
                StartRequest(frame);
                break;
            case FrameKind.Notification when frame.Method == ControlMethods.Ping:
                Send(static (output, token) => ControlFrames.WritePong(output, token), ControlFrames.ReadToken(frame));
                break;
            case FrameKind.Notification when frame.Method == ControlMethods.Cancel:
                if (_inFlight.TryGetValue(ControlFrames.ReadCancel(frame), out var request)) request.TryCancel();
                break;
            case FrameKind.Notification when frame.Method == ControlMethods.Shutdown:
                BeginShutdown();
                break;
            case FrameKind.Notification when _notifications.TryGetValue(frame.Method, out var onNotification):
                _outbox.HandOff();
                Notified(onNotification, new RequestContext(this, 0, frame.Method, frame.Params.ToArray(), isNotification: true, _shutdown.Token));
                break;
            default:
                // Unknown notifications and stray responses are ignored, as msgpack-rpc peers expect.
                break;
        }
    }

    private void Notified(Action<RequestContext> handler, RequestContext context)
    {
        try
        {
            handler(context);
        }
        catch (Exception e)
        {
            // A notification has no response to fail: the host hears of the bug through its log,
            // and the helper goes on serving, as it does when a request handler throws.
            Log(HelperLogLevel.Error, $"notification handler for '{context.Method}' failed: {e.GetType().Name}: {e.Message}",
                new Dictionary<string, object?> { ["method"] = context.Method, ["exception"] = e.GetType().FullName });
        }
    }

    private void StartRequest(in Frame frame)
    {
        if (_shutdown.IsCancellationRequested)
        {
            Fail(frame.MsgId, new RpcError(RpcErrorCodes.ShuttingDown, $"{Name} is shutting down"));
            return;
        }
        if (!_handlers.TryGetValue(frame.Method, out var handler))
        {
            Fail(frame.MsgId, new RpcError(RpcErrorCodes.MethodNotFound, $"{Name} has no method '{frame.Method}'"));
            return;
        }

        var request = new InFlightRequest();
        if (!_inFlight.TryAdd(frame.MsgId, request))
        {
            request.Finish();
            Fail(frame.MsgId, new RpcError(RpcErrorCodes.InvalidParams, $"msgid {frame.MsgId} is already in flight"));
            return;
        }

        var context = new RequestContext(this, frame.MsgId, frame.Method, frame.Params.ToArray(), isNotification: false, request.Token);
        if (handler.Inline)
        {
            _outbox.HandOff();
            _ = Complete(context, handler);
        }
        else
            ThreadPool.UnsafeQueueUserWorkItem(static state => _ = state.Runtime.Complete(state.Context, state.Handler), (Runtime: this, Context: context, Handler: handler), preferLocal: false);
    }

    private async Task Complete(RequestContext context, Handler handler)
    {
        try
        {
            var result = await handler.Invoke(context).ConfigureAwait(false);
            Send(static (output, state) => FrameWriter.WriteResponse(output, state.MsgId, state.Result.Span), (context.MsgId, Result: result));
        }
        catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
        {
            Fail(context.MsgId, new RpcError(RpcErrorCodes.RequestCancelled, $"{context.Method} #{context.MsgId} was cancelled"));
        }
        catch (RpcException e)
        {
            Fail(context.MsgId, new RpcError(e.Code, e.Message));
        }
        catch (Exception e)
        {
            // A handler's bug fails its request, not the helper: the host sees the message.
            Fail(context.MsgId, new RpcError(RpcErrorCodes.HandlerFailed, $"{e.GetType().Name}: {e.Message}"));
        }
        finally
        {
            if (_inFlight.TryRemove(context.MsgId, out var request)) request.Finish();
            if (_shutdown.IsCancellationRequested && _inFlight.IsEmpty) FinishShutdown();
            // After $/shutdown the last answer ends the run (at EOF the reader already waits in End).
            if (_done.Task.IsCompleted) End();
        }
    }

    internal void Fail(uint msgId, RpcError error) =>
        Send(static (output, state) => FrameWriter.WriteErrorResponse(output, state.msgId, state.error), (msgId, error));

    internal void Respond(uint msgId, byte[] result) =>
        Send(static (output, state) => FrameWriter.WriteResponse(output, state.msgId, state.result), (msgId, result));

    /// <summary>Queues bytes as they are, frame or not (test-mode garbling only).</summary>
    internal void WriteRaw(byte[] bytes) => Send(static (output, bytes) => output.Write(bytes), bytes);

    private void BeginShutdown()
    {
        // CancelAsync: callbacks registered on ShutdownRequested are user code, kept off the reader.
        _ = _shutdown.CancelAsync();
        if (_inFlight.IsEmpty) FinishShutdown();
    }

    private void FinishShutdown()
    {
        // Both the last handler and the reader may get here; answer the shutdown requests once.
        if (Interlocked.Exchange(ref _finished, 1) != 0) return;
        while (_shutdownRequestIds.TryDequeue(out var id))
            Send(static (output, id) => FrameWriter.WriteResponse(output, id, [0xc0]), id);
        _quiet.TrySetResult();
        _done.TrySetResult(0);
    }
}
