using System.Collections.Concurrent;
using System.Diagnostics;
using Akka.Actor;
using Akka.Event;
using UmhActors.Failures;
using UmhActors.Native;
using UmhActors.Native.Blobs;
using UmhActors.Native.Io;
using UmhActors.Native.Launch;
using UmhActors.Native.Processes;
using UmhActors.Protocol;
using UmhActors.Protocol.Control;
using UmhActors.Protocol.Framing;
using UmhActors.Requests;
using static UmhActors.Helpers.HelperActorSignals;

namespace UmhActors.Helpers;

/// <summary>
/// Owns one helper process: launches its blob in <c>PreStart</c>, serves <see cref="HelperRequest"/>s
/// over its pipes, and kills its process group in <c>PostStop</c>. The actor's lifetime is the
/// helper's lifetime.
/// </summary>
/// <remarks>
/// <para>The helper is ready once it sent <c>$/hello</c>; requests that arrive earlier wait in the
/// queue. At most <see cref="HelperOptions.MaxInFlight"/> requests are sent at once and at most
/// <see cref="HelperOptions.MaxQueued"/> wait behind them; beyond that a request is rejected with
/// <see cref="HelperOverloadedException"/>. A request that outlives its timeout fails with
/// <see cref="HelperTimeoutException"/> and the helper is sent <c>$/cancel</c>.</para>
/// <para>When the helper dies, every pending request fails at once with the same
/// <see cref="HelperFailureException"/> (crash with its signal, non-zero exit, …) and the actor
/// throws it, so its supervisor decides what happens next. Responses are answered straight from
/// the I/O reactor; the actor itself never blocks and never does I/O loops.</para>
/// <para>Mirrors <c>struct umh_info</c>: two pipes and a pid, owned by one party.</para>
/// </remarks>
public sealed class HelperActor : UntypedActor, IWithTimers
{
    private const string HandshakeTimer = "handshake";
    private const string TimeoutTimer = "timeouts";

    private readonly HelperBlob _blob;
    private readonly HelperOptions _options;
    private readonly HelperEventSubscribers _subscribers;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly ConcurrentDictionary<uint, PendingRequest> _pending = new();
    private readonly Queue<QueuedRequest> _queue = new();
    private HelperProcess? _process;
    private FrameChannel? _channel;
    private LineReader? _stderr;
    private HelperFrameReceiver? _receiver;
    private uint _lastMsgId;
    private long _dispatched;
    private long _timedOut;
    private bool _ready;
    private bool _exited;
    private bool _flushScheduled;
    private TimeSpan? _tickInterval;
    private HostKillReason _hostKill;
    private Exception? _hostKillCause;

    private HelperActor(HelperBlob blob, HelperOptions options, HelperEventSubscribers subscribers)
    {
        _blob = blob;
        _options = options;
        _subscribers = subscribers;
    }

    /// <summary>Props for an actor running <paramref name="blob"/>. The blob is shared, not owned:
    /// dispose it after the actor has stopped.</summary>
    public static Props Props(HelperBlob blob, HelperOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(blob);
        var resolved = options ?? HelperOptions.Default;
        // One subscriber set for every incarnation, so subscriptions survive restarts.
        var subscribers = new HelperEventSubscribers();
        return Akka.Actor.Props.CreateBy(new Producer(blob, resolved, subscribers));
    }

    /// <summary>Creates each incarnation with the same blob, options and subscriber set.</summary>
    private sealed class Producer(HelperBlob blob, HelperOptions options, HelperEventSubscribers subscribers) : IIndirectActorProducer
    {
        public Type ActorType => typeof(HelperActor);

        public ActorBase Produce() => new HelperActor(blob, options, subscribers);

        public void Release(ActorBase actor)
        {
        }
    }

    /// <inheritdoc />
    public ITimerScheduler Timers { get; set; } = null!;

    private int InFlight => (int)(_dispatched - _timedOut - Volatile.Read(ref _receiver!.Answered));

    /// <inheritdoc />
    protected override void PreStart()
    {
        foreach (var subscriber in _subscribers.Current) Context.Watch(subscriber);
        _process = Launch();
        var self = Self;
        _receiver = new HelperFrameReceiver(_blob.Name, _process.Pid, self, _pending, _subscribers, _log);
        _channel = new FrameChannel(_process, _receiver, _options.Limits);
        _receiver.Channel = _channel;
        _stderr = new LineReader(_process.Stderr!, OnStderrLine);
        _process.Exited.ContinueWith(t => self.Tell(new HelperExited(t.Result)), TaskContinuationOptions.ExecuteSynchronously);
        _stderr.Start();
        _channel.Start();
        Timers.StartSingleTimer(HandshakeTimer, HandshakeTimedOut.Instance, _options.StartupTimeout);
    }

    /// <inheritdoc />
    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case HelperRequest request:
                OnRequest(request, Sender);
                break;
            case FlushOutbox:
                _flushScheduled = false;
                _channel!.Flush();
                break;
            case SlotsFreed:
                DrainQueue();
                break;
            case TimeoutTick:
                ExpireRequests();
                break;
            case HelloReceived hello:
                OnHello(hello.Hello);
                break;
            case PongReceived:
                break;
            case ViolationDetected violation:
                KillFor(HostKillReason.ProtocolViolation, violation.Violation);
                break;
            case ChannelClosed closed:
                OnChannelClosed(closed.Closure);
                break;
            case StdoutClosedTooLong when !_exited:
                KillFor(HostKillReason.ProtocolViolation, new ProtocolViolationException(ProtocolViolationReason.UnexpectedFrame, 0,
                    "the helper closed its stdout but kept running"));
                break;
            case HandshakeTimedOut when !_ready:
                KillFor(HostKillReason.HandshakeTimeout, new TimeoutException(
                    $"no $/hello within {_options.StartupTimeout.TotalMilliseconds:F0} ms"));
                break;
            case HelperExited exited:
                OnExited(exited);
                break;
            case SubscribeHelperEvents subscribe:
                _subscribers.Add(subscribe.Subscriber);
                Context.Watch(subscribe.Subscriber);
                Sender.Tell(HelperEventsSubscribed.Instance);
                break;
            case UnsubscribeHelperEvents unsubscribe:
                _subscribers.Remove(unsubscribe.Subscriber);
                Context.Unwatch(unsubscribe.Subscriber);
                break;
            case Terminated terminated:
                _subscribers.Remove(terminated.ActorRef);
                break;
            case GetHelperStatus:
                Sender.Tell(new HelperStatus(_blob.Name, _process?.Pid ?? 0, _ready, InFlight, _queue.Count));
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    /// <inheritdoc />
    protected override void PostStop()
    {
        _channel?.Dispose();
        _stderr?.Dispose();
        FailEverything(new HelperStoppedException(_blob.Name));
        if (_process is not { } process) return;
        if (!process.HasExited && _hostKill == HostKillReason.None) _hostKill = HostKillReason.Stop;
        // SIGTERM to the group now, SIGKILL after the grace period (or as soon as the helper has
        // exited, for anything it left behind); then close the pipes.
        process.TerminateAsync(_options.StopGracePeriod)
            .ContinueWith(_ => process.Dispose(), TaskContinuationOptions.ExecuteSynchronously);
    }

    private HelperProcess Launch()
    {
        try
        {
            return HelperLauncher.Launch(_blob, _options.Launch.WithStdio(StdioMode.Pipes));
        }
        catch (Exception e) when (e is LaunchFailedException or BlobPinMismatchException or NativeCallException or ObjectDisposedException)
        {
            throw new HelperLaunchFailedException(_blob.Name, 0, null, TimeSpan.Zero, $"could not be started: {e.Message}", e);
        }
    }

    private void OnRequest(HelperRequest request, IActorRef sender)
    {
        if (ControlMethods.IsControl(request.Method))
        {
            sender.Tell(new Status.Failure(new ArgumentException($"method names starting with '{ControlMethods.Prefix}' are reserved: {request.Method}")));
            return;
        }
        var timeout = request.Timeout ?? _options.RequestTimeout;
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        if (_ready && _queue.Count == 0 && InFlight < _options.MaxInFlight)
        {
            Dispatch(request, sender, deadline, timeout);
        }
        else if (_queue.Count < _options.MaxQueued)
        {
            _queue.Enqueue(new QueuedRequest(request, sender, deadline, timeout));
            _receiver!.ActorHasQueue = true;
            EnsureTimeoutTicks(timeout);
        }
        else
        {
            sender.Tell(new Status.Failure(new HelperOverloadedException(_blob.Name, _options.MaxInFlight, _options.MaxQueued)));
        }
    }

    private void Dispatch(HelperRequest request, IActorRef sender, long deadline, TimeSpan timeout)
    {
        var msgId = ++_lastMsgId;
        _pending[msgId] = new PendingRequest(sender, request.Method, deadline, timeout);
        _dispatched++;
        _channel!.Enqueue((msgId, request), static (output, state) =>
            FrameWriter.WriteRequest(output, state.msgId, state.request.Method, state.request.RawParams.Span));
        ScheduleFlush();
        EnsureTimeoutTicks(timeout);
    }

    // Frames queued while processing a run of messages go out together: the flush is a message
    // behind them in the mailbox, so a burst of requests costs one write.
    private void ScheduleFlush()
    {
        if (_flushScheduled) return;
        _flushScheduled = true;
        Self.Tell(FlushOutbox.Instance);
    }

    private void DrainQueue()
    {
        while (_ready && _queue.Count > 0 && InFlight < _options.MaxInFlight)
        {
            var next = _queue.Dequeue();
            if (next.DeadlineTimestamp <= Stopwatch.GetTimestamp())
                next.Sender.Tell(new Status.Failure(new HelperTimeoutException(_blob.Name, next.Request.Method, next.Timeout, wasSent: false)));
            else
                Dispatch(next.Request, next.Sender, next.DeadlineTimestamp, next.Timeout);
        }
        _receiver!.ActorHasQueue = _queue.Count > 0;
    }

    private void EnsureTimeoutTicks(TimeSpan timeout)
    {
        // Timeouts are checked by one periodic tick per actor (not a timer per request), at a
        // tenth of the shortest timeout in use, between 5 and 100 ms.
        var interval = TimeSpan.FromTicks(Math.Clamp(timeout.Ticks / 10, TimeSpan.FromMilliseconds(5).Ticks, TimeSpan.FromMilliseconds(100).Ticks));
        if (_tickInterval is { } current && current <= interval) return;
        _tickInterval = interval;
        Timers.StartPeriodicTimer(TimeoutTimer, TimeoutTick.Instance, interval);
    }

    private void ExpireRequests()
    {
        var now = Stopwatch.GetTimestamp();
        var cancelled = false;
        foreach (var (msgId, request) in _pending)
        {
            if (request.DeadlineTimestamp > now || !_pending.TryRemove(msgId, out _)) continue;
            _timedOut++;
            request.Sender.Tell(new Status.Failure(new HelperTimeoutException(_blob.Name, request.Method, request.Timeout, wasSent: true)));
            _channel!.Enqueue(msgId, static (output, id) => ControlFrames.WriteCancel(output, id));
            cancelled = true;
        }
        if (cancelled) ScheduleFlush();

        if (_queue.Any(q => q.DeadlineTimestamp <= now))
        {
            var keep = new List<QueuedRequest>(_queue.Count);
            foreach (var queued in _queue)
            {
                if (queued.DeadlineTimestamp <= now)
                    queued.Sender.Tell(new Status.Failure(new HelperTimeoutException(_blob.Name, queued.Request.Method, queued.Timeout, wasSent: false)));
                else
                    keep.Add(queued);
            }
            _queue.Clear();
            foreach (var queued in keep) _queue.Enqueue(queued);
        }
        DrainQueue();

        if (_pending.IsEmpty && _queue.Count == 0)
        {
            Timers.Cancel(TimeoutTimer);
            _tickInterval = null;
        }
    }

    private void OnHello(HelloMessage hello)
    {
        try
        {
            ProtocolVersion.Negotiate(hello);
        }
        catch (ProtocolVersionMismatchException mismatch)
        {
            KillFor(HostKillReason.ProtocolViolation, mismatch);
            return;
        }
        _ready = true;
        Timers.Cancel(HandshakeTimer);
        _log.Debug("helper {0} (pid {1}) ready: protocol {2}, capabilities [{3}]", _blob.Name, _process!.Pid,
            hello.ProtocolVersion, string.Join(", ", hello.Capabilities));
        DrainQueue();
    }

    private void OnChannelClosed(ChannelClosure closure)
    {
        if (closure.Violation is { } violation)
            KillFor(HostKillReason.ProtocolViolation, violation);
        else if (closure.ReadError is { } error)
            KillFor(HostKillReason.ProtocolViolation, error);
        else if (!_exited)
            // End of stdout normally means the helper is exiting; give it a moment to be reaped.
            Timers.StartSingleTimer("stdout-closed", StdoutClosedTooLong.Instance, TimeSpan.FromSeconds(2));
    }

    private void KillFor(HostKillReason reason, Exception cause)
    {
        if (_exited || _hostKill != HostKillReason.None) return;
        _hostKill = reason;
        _hostKillCause = cause;
        _log.Warning("killing helper {0} (pid {1}): {2}", _blob.Name, _process!.Pid, cause.Message);
        _process.Kill();
    }

    private void OnExited(HelperExited exited)
    {
        _exited = true;
        var failure = FailureClassifier.Classify(_blob.Name, exited.Exit, _hostKill, _process!.LastSignalSentByHost, oomKills: null, _hostKillCause);
        FailEverything(failure);
        throw failure;
    }

    private void FailEverything(Exception failure)
    {
        foreach (var msgId in _pending.Keys)
        {
            if (_pending.TryRemove(msgId, out var request))
                request.Sender.Tell(new Status.Failure(failure));
        }
        while (_queue.Count > 0)
            _queue.Dequeue().Sender.Tell(new Status.Failure(failure));
    }

    private void OnStderrLine(string line)
    {
        if (_options.LogStderr) _log.Info("[helper {0} pid {1} stderr] {2}", _blob.Name, _process!.Pid, line);
        _subscribers.Publish(new HelperStderrLine(_blob.Name, _process!.Pid, line));
    }
}
