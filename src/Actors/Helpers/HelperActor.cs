using Akka.Actor;
using Akka.Event;
using UmhActors.Diagnostics;
using UmhActors.Failures;
using UmhActors.Guardian;
using UmhActors.Native.Exit;
using UmhActors.Native.Blobs;
using UmhActors.Protocol;
using UmhActors.Protocol.Control;
using UmhActors.Requests;
using UmhActors.Supervision;
using static UmhActors.Helpers.HelperActorSignals;

namespace UmhActors.Helpers;

/// <summary>
/// Owns one helper process at a time: launches its blob in <c>PreStart</c>, serves
/// <see cref="HelperRequest"/>s over its pipes, applies the supervision policy when the helper
/// ends, and kills the helper's process group in <c>PostStop</c>. The actor's lifetime bounds the
/// helper's lifetime.
/// </summary>
/// <remarks>
/// <para>A helper is ready once it sent <c>$/hello</c> (a plain msgpack-rpc helper, see
/// <see cref="HelperOptions.WithPlainMsgpackRpc"/>, as soon as it is spawned); requests that arrive earlier, or while a
/// replacement is being launched, wait in the queue (bounded by <see cref="HelperOptions.MaxQueued"/>
/// and by their own timeouts). At most <see cref="HelperOptions.MaxInFlight"/> requests are sent at
/// once; beyond both bounds a request is rejected with <see cref="HelperOverloadedException"/>. A
/// request that breaks the limits the helper enforces (method length, params shape, nesting,
/// collection and string sizes, frame size) is rejected alone with
/// <see cref="InvalidHelperRequestException"/> and never sent. A
/// request that outlives its timeout fails with <see cref="HelperTimeoutException"/> and the helper
/// is sent <c>$/cancel</c>.</para>
/// <para>When the helper dies, every request in flight fails at once with the same
/// <see cref="HelperFailureException"/> (crash with its signal, non-zero exit, …); then the
/// <see cref="HelperOptions.Supervision"/> policy decides: restart after a backoff (queued requests
/// are served by the new helper), stop the actor, or escalate (throw to this actor's supervisor).
/// Every decision is published on the EventStream as a <see cref="HelperSupervisionDecision"/>.</para>
/// <para>Responses are answered straight from the I/O reactor; the actor never blocks and never
/// runs I/O loops. Mirrors <c>struct umh_info</c>: two pipes and a pid, owned by one party.</para>
/// </remarks>
public sealed partial class HelperActor : UntypedActor, IWithTimers
{
    private const string HandshakeTimer = "handshake";
    private const string TimeoutTimer = "timeouts";
    private const string WatchdogTimer = "watchdog";
    private const string RelaunchTimer = "relaunch";

    // The permit taken from the guardian's gate; the guardian actor numbers its own from 1.
    private const long GatePermit = 0;

    private readonly HelperBlob _blob;
    private readonly HelperOptions _options;
    private readonly HelperEventSubscribers _subscribers;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly RequestBook _requests;
    private readonly RestartTracker _restarts;
    private readonly ResponsePoller _poller;
    private readonly TimeProvider _clock;
    private readonly long _createdAt;
    private readonly UmhMetrics _metrics = UmhMetrics.For(Context.System);
    private IDisposable? _tracked;
    private HelperIncarnation? _current;
    private IActorRef _guardian = ActorRefs.Nobody;
    private bool _awaitingPermit;
    private long? _permit;
    private HelperSpawn? _spawning;
    private LaunchGate _gate = null!;
    private System.Diagnostics.Activity? _launchSpan;
    private bool _frozen;
    private int _generation;
    private ulong _lastPingToken;
    private bool _flushScheduled;
    private TimeSpan? _tickInterval;
    private int _restartCount;
    private HelperFailureKind? _lastFailureKind;
    private readonly ReadyWaiters _readyWaiters = new();
    private readonly List<IActorRef> _stopAskers = [];
    private readonly RequestInbox _inbox;
    private readonly Action<object, IActorRef> _receivePosted;
    private bool _draining;
    // While the inbox is drained: when, for every request of the run (one clock read per run, not per request).
    private long _drainStartedAt;
    private bool _flushAfterDrain;
    private bool _restarting;

    private HelperActor(HelperBlob blob, HelperOptions options, HelperEventSubscribers subscribers, TimeProvider clock, object? stopRequest)
    {
        _blob = blob;
        _stopRequest = stopRequest;
        _launchDeferred = stopRequest is not null;
        _options = options;
        _subscribers = subscribers;
        _clock = clock;
        _createdAt = clock.GetTimestamp();
        _restarts = new RestartTracker(options.Supervision, Random.Shared);
        _requests = new RequestBook(blob.Name, options, _metrics);
        _poller = new ResponsePoller(options.ResponsePollBudget);
        _inbox = RequestInbox.Of((ActorCell)Context);
        _receivePosted = Receive;
    }

    /// <summary>Props for an actor running <paramref name="blob"/>. The blob is shared, not owned:
    /// dispose it after the actor has stopped.</summary>
    public static Props Props(HelperBlob blob, HelperOptions? options = null) => Props(blob, options, TimeProvider.System);

    /// <summary>As <see cref="Props(HelperBlob, HelperOptions?)"/>, measuring every interval
    /// (watchdog, restart window) on <paramref name="clock"/>'s monotonic timestamps.</summary>
    internal static Props Props(HelperBlob blob, HelperOptions? options, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(blob);
        ArgumentNullException.ThrowIfNull(clock);
        var resolved = options ?? HelperOptions.Default;
        // One subscriber set for every incarnation, so subscriptions survive restarts.
        var subscribers = new HelperEventSubscribers();
        return Akka.Actor.Props.CreateBy(new Producer(blob, resolved, subscribers, clock, null));
    }

    /// <inheritdoc />
    public ITimerScheduler Timers { get; set; } = null!;

    /// <inheritdoc />
    protected override void PreStart()
    {
        foreach (var subscriber in _subscribers.Current) Context.Watch(subscriber);
        _tracked = _metrics.Track(new HelperLoad(_blob.Name, () => _current, _requests));
        var guardian = UmhGuardian.Get(Context.System);
        _guardian = guardian.Actor;
        _gate = guardian.Gate;
        _guardian.Tell(new RegisterHelper(Self));
        if (!_launchDeferred) RequestPermit();
    }

    /// <inheritdoc />
    protected override void OnReceive(object message)
    {
        if (message is DrainRequestInbox) DrainInbox();
        else Receive(message, Sender);
    }

    // Every message, from the mailbox or the inbox, with the sender its envelope carried.
    private void Receive(object message, IActorRef sender)
    {
        if (OnHandOff(message, sender) || OnBeforeLaunch(message)) return;
        switch (message)
        {
            case HelperRequest request:
                OnRequest(request, sender);
                break;
            case HelperRequestBatch batch:
                OnBatch(batch, sender);
                break;
            case CancelHelperRequest cancel:
                if (_requests.Cancel(cancel.Requester, _current)) ScheduleFlush();
                break;
            case FlushOutbox:
                _flushScheduled = false;
                Flush();
                break;
            case SlotsFreed:
                DrainQueue();
                break;
            case TimeoutTick:
                ExpireRequests();
                break;
            case WatchdogTick:
                OnWatchdogTick();
                break;
            case Relaunch:
                // Also sent after an escalation, for a supervisor that resumes this actor; a restart
                // or a launch already under way makes it moot.
                if (_current is null && !_awaitingPermit && _spawning is null) RequestPermit();
                break;
            case LaunchPermitGranted granted:
                OnPermit(granted.PermitId);
                break;
            case HelperSpawned spawned when _spawning?.Generation == spawned.Generation:
                OnSpawned(spawned);
                break;
            case Status.Failure { Cause: LaunchesDisabledException or LaunchPermitTimeoutException } refused when _awaitingPermit:
                _awaitingPermit = false;
                _metrics.Launched(_blob.Name, "refused");
                EndLaunchSpan("refused");
                Decide(new HelperLaunchFailedException(_blob.Name, 0, null, TimeSpan.Zero, $"could not be started: {refused.Cause.Message}", refused.Cause));
                break;
            case SetHelperFrozen freeze:
                SetFrozen(freeze.Frozen, sender);
                break;
            case HelloReceived hello when IsCurrent(hello.Generation):
                OnHello(hello.Hello);
                break;
            case PongReceived pong when IsCurrent(pong.Generation):
                if (_current!.OutstandingPing?.Token == pong.Token) _current.OutstandingPing = null;
                break;
            case ViolationDetected violation when IsCurrent(violation.Generation):
                Kill(HostKillReason.ProtocolViolation, violation.Violation);
                break;
            case ChannelClosed closed when IsCurrent(closed.Generation):
                OnChannelClosed(closed.Closure);
                break;
            case StdoutClosedTooLong closed when IsCurrent(closed.Generation) && !_current!.Exited:
                Kill(HostKillReason.ProtocolViolation, new ProtocolViolationException(ProtocolViolationReason.UnexpectedFrame, 0,
                    "the helper closed its stdout but kept running"));
                break;
            case HandshakeTimedOut timedOut when IsCurrent(timedOut.Generation) && !_current!.Ready:
                Kill(HostKillReason.HandshakeTimeout, new TimeoutException($"no $/hello within {_options.StartupTimeout.TotalMilliseconds:F0} ms"));
                break;
            case HelperExited exited when IsCurrent(exited.Generation):
                OnExited(exited);
                break;
            case HelloReceived or PongReceived or ViolationDetected or ChannelClosed or StdoutClosedTooLong or HandshakeTimedOut or HelperExited or HelperSpawned:
                break; // about a helper already replaced
            case SubscribeHelperEvents subscribe:
                _subscribers.Add(subscribe.Subscriber);
                Context.Watch(subscribe.Subscriber);
                sender.Tell(HelperEventsSubscribed.Instance);
                break;
            case UnsubscribeHelperEvents unsubscribe:
                _subscribers.Remove(unsubscribe.Subscriber);
                Context.Unwatch(unsubscribe.Subscriber);
                break;
            case Terminated terminated:
                _subscribers.Remove(terminated.ActorRef);
                break;
            case StopHelper:
                _stopAskers.Add(sender);
                Context.Stop(Self);
                break;
            case NotifyWhenReady wait:
                if (_current is { Ready: true, Exited: false } ready && ready.Process.Pid != wait.ReplacingPid)
                    sender.Tell(new HelperReady(_blob.Name, ready.Process.Pid, _restartCount));
                else
                    _readyWaiters.Add(sender, wait.ReplacingPid);
                break;
            case GetHelperStatus:
                sender.Tell(new HelperStatus(_blob.Name, _current?.Process.Pid ?? 0, _current?.Ready ?? false, _current?.InFlight ?? 0, _requests.QueuedCount)
                {
                    Restarts = _restartCount,
                    LastFailureKind = _lastFailureKind,
                    UnverifiedSandboxParts = _current?.Sandbox?.Unverified ?? Native.Sandbox.SandboxParts.None,
                });
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    /// <inheritdoc />
    protected override void PreRestart(Exception reason, object message)
    {
        // PostStop runs next, for this incarnation only: the inbox stays open for the next one.
        _restarting = true;
        base.PreRestart(reason, message);
    }

    /// <inheritdoc />
    protected override void PostStop()
    {
        if (!_restarting) _inbox.CloseToDeadLetters(Context.System);
        AbandonSpawn();
        ReturnPermit();
        EndLaunchSpan("stopped");
        var ended = new HelperEnded(_blob.Name, _current?.Process.Pid ?? 0);
        var end = _current?.Retire(_options.StopGracePeriod, graceful: !_frozen) ?? Task.CompletedTask;
        _current = null;
        foreach (var asker in _stopAskers) end.ContinueWith(_ => asker.Tell(ended), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
        var stopped = new HelperStoppedException(_blob.Name);
        _requests.FailInFlight(stopped);
        _requests.FailQueued(stopped);
        _readyWaiters.Fail(stopped);
        _tracked?.Dispose();
    }

    private bool IsCurrent(int generation) => _current?.Generation == generation;

    // Every launch takes a permit first: from the guardian's gate at once while launches are
    // enabled, else from the guardian actor (which makes it wait while frozen, or refuses it).
    private void RequestPermit()
    {
        _awaitingPermit = true;
        _launchSpan ??= LaunchTracing.Begin(_blob.Name, Self.Path.Name);
        if (_gate.TryEnter()) OnPermit(GatePermit);
        else _guardian.Tell(new RequestLaunchPermit(TryOnly: false, _options.LaunchPermitTimeout));
    }

    private void OnPermit(long permit)
    {
        if (!_awaitingPermit)
        {
            ReleasePermit(permit);
            return;
        }
        _awaitingPermit = false;
        _permit = permit;
        LaunchTracing.Step(_launchSpan, "permit");
        // posix_spawn holds its thread until the child has exec'd: that runs on a spawn thread,
        // and this actor goes on serving messages until HelperSpawned.
        _spawning = HelperSpawn.Start(++_generation, _blob, _options, Self);
    }

    private void OnSpawned(HelperSpawned spawned)
    {
        var spawn = _spawning!;
        _spawning = null;
        HelperIncarnation incarnation;
        try
        {
            if (spawned.Failure is { } spawnFailure) throw spawnFailure;
            incarnation = HelperIncarnation.Attach(spawn.Generation, spawn.Take()!, _blob, _options, Self, _requests.InFlight, _subscribers, _log, _metrics);
        }
        catch (HelperLaunchFailedException failure)
        {
            // The launch turns every launch-path failure (cgroups included) into this one type, so the
            // policy table, with its backoff and intensity, decides: never an instant Akka restart.
            ReturnPermit();
            _metrics.Launched(_blob.Name, "failed");
            EndLaunchSpan("failed");
            Decide(failure);
            return;
        }
        _metrics.Launched(_blob.Name, "ok");
        LaunchTracing.Spawned(_launchSpan, incarnation.Process.Timings);
        _current = incarnation;
        // A plain msgpack-rpc helper never says hello: it is ready once spawned, and requests wait
        // in its stdin pipe until it reads them.
        if (_options.Control == ControlProtocol.None && SandboxVerified([])) OnReady("plain msgpack-rpc");
        else Timers.StartSingleTimer(HandshakeTimer, new HandshakeTimedOut(incarnation.Generation), _options.StartupTimeout);
    }

    private void EndLaunchSpan(string outcome)
    {
        LaunchTracing.End(_launchSpan, outcome);
        _launchSpan = null;
    }

    // The launch is over once the helper said hello or ended: the guardian counts it no longer.
    private void ReturnPermit()
    {
        if (_permit is not { } permit) return;
        _permit = null;
        ReleasePermit(permit);
    }

    private void ReleasePermit(long permit)
    {
        if (permit == GatePermit) _gate.Exit();
        else _guardian.Tell(new ReturnLaunchPermit(permit));
    }

    // The actor is stopping with a spawn in progress: the spawn kills its process, then returns the
    // permit, so the guardian counts the launch until nothing of it can run.
    private void AbandonSpawn()
    {
        if (_spawning is not { } spawn) return;
        _spawning = null;
        var permit = _permit;
        _permit = null;
        var gate = _gate;
        var guardian = _guardian;
        spawn.Abandon(() =>
        {
            if (permit == GatePermit) gate.Exit();
            else if (permit is { } id) guardian.Tell(new ReturnLaunchPermit(id));
        });
    }

    // The watchdog's view changes at once, even with no helper running: a replacement launched
    // after the thaw must be watched again. The cgroup freezer's wait for the kernel runs off the
    // actor's thread, and every failure is answered as data, never thrown here.
    private void SetFrozen(bool frozen, IActorRef replyTo)
    {
        _frozen = frozen;
        if (_current is not { Exited: false } current)
        {
            replyTo.Tell(new HelperFreezeDone(0, "none"));
            return;
        }
        current.OutstandingPing = null;
        var name = _blob.Name;
        var pid = current.Process.Pid;
        var log = _log;
        if (current.Process.Cgroup is { CanFreeze: true } cgroup)
        {
            var change = current.FreezeQueue.ContinueWith(_ => FreezeByCgroup(cgroup, frozen, name, pid, log), CancellationToken.None,
                TaskContinuationOptions.None, TaskScheduler.Default);
            current.FreezeQueue = change;
            change.PipeTo(replyTo);
            return;
        }
        replyTo.Tell(FreezeBySignal(current, frozen, name, pid, log));
    }

    private static HelperFreezeDone FreezeByCgroup(Native.Cgroups.HelperCgroup cgroup, bool frozen, string name, int pid, ILoggingAdapter log)
    {
        try
        {
            if (frozen) cgroup.Freeze(); else cgroup.Thaw();
        }
        catch (ObjectDisposedException)
        {
            return new HelperFreezeDone(0, "none"); // reaped and its cgroup removed meanwhile: nothing to freeze
        }
        catch (Exception e) when (e is IOException or NotSupportedException or UnauthorizedAccessException)
        {
            return FreezeFailed(name, pid, frozen, "cgroup", e, log);
        }
        log.Info("{0} helper {1} (pid {2}) by cgroup", frozen ? "froze" : "thawed", name, pid);
        return new HelperFreezeDone(pid, "cgroup");
    }

    private static HelperFreezeDone FreezeBySignal(HelperIncarnation current, bool frozen, string name, int pid, ILoggingAdapter log)
    {
        try
        {
            if (!current.Process.SignalGroup(frozen ? SignalNames.SIGSTOP : SignalNames.SIGCONT)) return new HelperFreezeDone(0, "none");
        }
        catch (Native.NativeCallException e)
        {
            return FreezeFailed(name, pid, frozen, "SIGSTOP", e, log);
        }
        log.Info("{0} helper {1} (pid {2}) by SIGSTOP", frozen ? "froze" : "thawed", name, pid);
        return new HelperFreezeDone(pid, "SIGSTOP");
    }

    private static HelperFreezeDone FreezeFailed(string name, int pid, bool frozen, string how, Exception cause, ILoggingAdapter log)
    {
        var failure = new HelperFreezeFailedException(name, pid, frozen, cause);
        log.Warning(failure.Message);
        return new HelperFreezeDone(pid, how, failure);
    }

    private void OnRequest(HelperRequest request, IActorRef sender)
    {
        if (_requests.Submit(request, sender, _current, acceptedAt: _drainStartedAt)) ScheduleFlush();
        if (_requests.TimeoutOf(request) is { } timeout) EnsureTimeoutTicks(timeout);
    }

    // One message for many requests: each is submitted as if alone (its own validation, slot or
    // queue place, timeout), and those sent go out with one flush.
    private void OnBatch(HelperRequestBatch batch, IActorRef sender)
    {
        var requests = batch.Requests ?? [];
        var reply = new RequestBatchReply(requests.Count, sender);
        var acceptedAt = _drainStartedAt != 0 ? _drainStartedAt : System.Diagnostics.Stopwatch.GetTimestamp();
        var wrote = false;
        TimeSpan? shortest = null;
        for (var i = 0; i < requests.Count; i++)
        {
            var request = requests[i];
            if (request is null)
            {
                reply.Set(i, new Status.Failure(new ArgumentNullException(nameof(HelperRequestBatch.Requests), $"request {i} of the batch is null")));
                continue;
            }
            wrote |= _requests.Submit(request, sender, _current, reply, i, acceptedAt);
            if (_requests.TimeoutOf(request) is { } timeout && (shortest is null || timeout < shortest)) shortest = timeout;
        }
        if (wrote) ScheduleFlush();
        if (shortest is { } tick) EnsureTimeoutTicks(tick);
    }

    // Frames queued while processing a run of messages go out together: the flush is a message
    // behind them in the mailbox, so a burst of requests costs one write. While the inbox is drained
    // the flush waits for the drain's end instead.
    private void ScheduleFlush()
    {
        if (_draining)
        {
            _flushAfterDrain = true;
            return;
        }
        if (_flushScheduled) return;
        _flushScheduled = true;
        Self.Tell(FlushOutbox.Instance);
    }

    private void Flush()
    {
        if (_current is not { } current) return;
        var delivered = current.Channel.FramesDelivered;
        if (current.Channel.Flush()) _poller.AfterFlush(current.Channel, delivered, current.InFlight);
    }

    private void DrainQueue()
    {
        if (_requests.Drain(_current)) ScheduleFlush();
    }

    private void EnsureTimeoutTicks(TimeSpan timeout)
    {
        // Timeouts are checked by one periodic tick per actor (not a timer per request), at a
        // tenth of the shortest timeout in use, between 5 and 100 ms.
        var interval = TimeSpan.FromTicks(Math.Clamp(timeout.Ticks / 10, TimeSpan.FromMilliseconds(5).Ticks, TimeSpan.FromMilliseconds(100).Ticks));
        if (_tickInterval is { } active && active <= interval) return;
        _tickInterval = interval;
        Timers.StartPeriodicTimer(TimeoutTimer, TimeoutTick.Instance, interval);
    }

    private void ExpireRequests()
    {
        if (_requests.Expire(_current)) ScheduleFlush();
        if (!_requests.IsIdle) return;
        Timers.Cancel(TimeoutTimer);
        _tickInterval = null;
    }

    private void OnHello(HelloMessage hello)
    {
        try
        {
            ProtocolVersion.Negotiate(hello);
        }
        catch (ProtocolVersionMismatchException mismatch)
        {
            Kill(HostKillReason.ProtocolViolation, mismatch);
            return;
        }
        if (!SandboxVerified(hello.Capabilities)) return;
        OnReady($"protocol {hello.ProtocolVersion}, capabilities [{string.Join(", ", hello.Capabilities)}]");
    }

    /// <summary>Checks a sandboxed helper from outside before it is served (a plain msgpack-rpc
    /// helper reports no capabilities); kills it and returns false when it may not be served.</summary>
    private bool SandboxVerified(IReadOnlyList<string> capabilities)
    {
        if (HelperSandboxCheck.Check(_current!, _options, capabilities) is not var (reason, cause)) return true;
        Kill(reason, cause);
        return false;
    }

    private void OnReady(string how)
    {
        _current!.Ready = true;
        _metrics.Ready(_blob.Name, _current.SpawnedAt);
        ReturnPermit();
        EndLaunchSpan("ok");
        Timers.Cancel(HandshakeTimer);
        if (_options.Watchdog is { } watchdog && _options.Control == ControlProtocol.Umh)
            Timers.StartPeriodicTimer(WatchdogTimer, WatchdogTick.Instance, watchdog.Interval);
        _log.Debug("helper {0} (pid {1}) ready: {2}", _blob.Name, _current.Process.Pid, how);
        _readyWaiters.Ready(new HelperReady(_blob.Name, _current.Process.Pid, _restartCount));
        DrainQueue();
    }

    private void OnWatchdogTick()
    {
        // A frozen helper cannot answer; that is not a hang.
        if (_frozen || _current is not { Ready: true, Exited: false } current || _options.Watchdog is not { } watchdog) return;
        if (current.OutstandingPing is { } ping)
        {
            if (_clock.GetElapsedTime(ping.SentAt) > watchdog.Timeout)
                Kill(HostKillReason.Hang, new TimeoutException($"no $/pong within {watchdog.Timeout.TotalMilliseconds:F0} ms"));
            return;
        }
        var token = ++_lastPingToken;
        current.OutstandingPing = (token, _clock.GetTimestamp());
        current.Channel.Enqueue(token, static (output, t) => ControlFrames.WritePing(output, t));
        ScheduleFlush();
    }

    private void OnChannelClosed(Native.Io.ChannelClosure closure)
    {
        if (closure.Violation is { } violation)
            Kill(HostKillReason.ProtocolViolation, violation);
        else if (closure.ReadError is { } error)
            Kill(HostKillReason.ProtocolViolation, error);
        else if (!_current!.Exited)
            // End of stdout normally means the helper is exiting; give it a moment to be reaped.
            Timers.StartSingleTimer("stdout-closed", new StdoutClosedTooLong(_current.Generation), TimeSpan.FromSeconds(2));
    }

    private void Kill(HostKillReason reason, Exception cause)
    {
        if (_current is not { Exited: false, HostKill: HostKillReason.None } current) return;
        _log.Warning("killing helper {0} (pid {1}): {2}", _blob.Name, current.Process.Pid, cause.Message);
        current.Kill(reason, cause);
    }

    private void OnExited(HelperExited exited)
    {
        var current = _current!;
        current.Exited = true;
        var failure = FailureClassifier.Classify(_blob.Name, exited.Exit, current.HostKill, current.Process.LastSignalSentByHost,
            exited.Exit.OomKillCount, current.HostKillCause);
        _metrics.Exited(_blob.Name, failure.Kind);
        current.Retire(TimeSpan.Zero, graceful: false);
        _current = null;
        ReturnPermit();
        EndLaunchSpan("ended");
        Timers.Cancel(HandshakeTimer);
        Timers.Cancel(WatchdogTimer);
        Decide(failure);
    }

    /// <summary>Fails what was in flight, then applies the policy for the failure's kind.</summary>
    private void Decide(HelperFailureException failure)
    {
        _requests.FailInFlight(failure);
        var (directive, attempt, delay, exceeded) = _restarts.Decide(failure, _clock.GetElapsedTime(_createdAt));
        var decision = new HelperSupervisionDecision(Self, _blob.Name, failure.Kind, directive, attempt, delay, exceeded, failure);
        _lastFailureKind = failure.Kind;
        if (directive == HelperDirective.Restart) _restartCount++;
        Context.System.EventStream.Publish(decision);
        if (directive == HelperDirective.Restart) _metrics.Restarting(_blob.Name, failure.Kind);
        _log.Warning("{0}; {1}{2}", failure.Message,
            directive == HelperDirective.Restart ? $"restart #{attempt} in {delay.TotalMilliseconds:F0} ms" : directive.ToString().ToLowerInvariant(),
            exceeded ? " (restart intensity exceeded)" : "");

        switch (directive)
        {
            case HelperDirective.Restart when delay <= TimeSpan.Zero:
                Self.Tell(Relaunch.Instance);
                break;
            case HelperDirective.Restart:
                Timers.StartSingleTimer(RelaunchTimer, Relaunch.Instance, delay);
                break;
            case HelperDirective.Stop:
                _requests.FailQueued(failure);
                _readyWaiters.Fail(failure);
                Context.Stop(Self);
                break;
            default:
                _requests.FailQueued(failure);
                _readyWaiters.Fail(failure);
                // A supervisor that resumes this actor keeps this instance, with no helper and no
                // hook called: the timer relaunches then. A restart or stop cancels it.
                Timers.StartSingleTimer(RelaunchTimer, Relaunch.Instance, delay);
                throw failure;
        }
    }

    /// <summary>Creates each incarnation with the same blob, options and subscriber set.</summary>
    private sealed class Producer(HelperBlob blob, HelperOptions options, HelperEventSubscribers subscribers, TimeProvider clock, object? stopRequest)
        : IIndirectActorProducer
    {
        public Type ActorType => typeof(HelperActor);

        public ActorBase Produce() => new HelperActor(blob, options, subscribers, clock, stopRequest);

        public void Release(ActorBase actor)
        {
        }
    }
}
