using Akka.Actor;
using Akka.Event;
using UmhActors.Diagnostics;

namespace UmhActors.Guardian;

/// <summary>
/// The one launch guardian of an ActorSystem: hands out launch permits according to its
/// <see cref="GuardianState"/>, counts launches in progress (<c>running_helpers</c>), and moves
/// between states as <c>__usermodehelper_set_disable_depth()</c> and
/// <c>__usermodehelper_disable()</c> do: change the state, then wait for launches in progress to
/// drain, and if they do not in time, re-enable and report busy.
/// </summary>
/// <remarks>Every wait is measured on the clock's monotonic timestamps: a wall-clock step neither
/// expires a waiting launch nor stretches a transition.</remarks>
internal sealed class GuardianActor : ReceiveActor, IWithTimers
{
    private sealed record Waiter(IActorRef Launcher, long AskedAt, TimeSpan MaxWait);

    private sealed record PendingTransition(IActorRef Caller, GuardianState Target, long StartedAt, TimeSpan Timeout, bool FreezeRunning);

    private sealed record RunningHelpersFreezeDone(IActorRef Caller, long Epoch, IReadOnlyList<HelperFreezeDone> Results);

    private sealed record RunningHelpersThawDone(IReadOnlyList<HelperFreezeDone> Results);

    /// <summary>A freeze of running helpers whose answers are still coming in.</summary>
    private sealed record RunningFreeze(IActorRef Caller, long Epoch);

    /// <summary>The gate's last permit came back while launches were not enabled.</summary>
    internal sealed class LaunchesDrained
    {
        public static LaunchesDrained Instance { get; } = new();
    }

    private sealed class Tick
    {
        public static Tick Instance { get; } = new();
    }

    private static readonly TimeSpan FreezeAnswerTimeout = TimeSpan.FromSeconds(10);

    private readonly LaunchGate _gate;

    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly UmhMetrics _metrics = UmhMetrics.For(Context.System);
    private readonly TimeProvider _clock;
    private readonly Dictionary<long, IActorRef> _permits = new();
    private readonly LinkedList<Waiter> _waiting = new();
    private readonly HashSet<IActorRef> _helpers = new();
    private GuardianState _state = GuardianState.Enabled;
    private PendingTransition? _transition;
    private RunningFreeze? _runningFreeze;
    private bool _helpersFrozen;
    private long _lastPermit;
    private long _epoch;

    public GuardianActor() : this(TimeProvider.System)
    {
    }

    /// <summary>A guardian measuring its waits on <paramref name="clock"/>, with a gate of its own.</summary>
    public GuardianActor(TimeProvider clock) : this(clock, null)
    {
    }

    /// <summary>A guardian that keeps <paramref name="gate"/> (the <see cref="UmhGuardian"/>'s, which
    /// helper actors take their permits from while launches are enabled) in its state.</summary>
    internal GuardianActor(TimeProvider clock, LaunchGate? gate)
    {
        _clock = clock;
        var self = Self;
        _gate = gate ?? new LaunchGate(() => self.Tell(LaunchesDrained.Instance));
        Receive<RequestLaunchPermit>(OnRequest);
        Receive<ReturnLaunchPermit>(r =>
        {
            if (!_permits.Remove(r.PermitId)) return;
            _gate.Exit();
            Changed();
        });
        // The last permit of the gate's was returned while launches were not enabled.
        Receive<LaunchesDrained>(_ =>
        {
            CompleteTransitionIfDrained();
            Changed();
        });
        Receive<FreezeLaunches>(f => BeginTransition(GuardianState.Freezing, f.Timeout, f.FreezeRunning));
        Receive<DisableLaunches>(d => BeginTransition(GuardianState.Disabled, d.Timeout, freezeRunning: false));
        Receive<EnableLaunches>(_ => Enable(Sender));
        Receive<GetGuardianStatus>(_ => Sender.Tell(Status()));
        Receive<RegisterHelper>(r =>
        {
            _helpers.Add(r.Helper);
            Context.Watch(r.Helper);
            // A helper started while its peers are frozen is frozen too (it launched before the freeze).
            if (_helpersFrozen) r.Helper.Tell(new SetHelperFrozen(true));
        });
        Receive<RunningHelpersFreezeDone>(OnRunningHelpersFrozen);
        Receive<RunningHelpersThawDone>(done =>
        {
            foreach (var failed in done.Results.Where(r => r.Failure is not null)) _log.Warning(failed.Failure!.Message);
            _log.Info("thawed {0} running helper(s)", done.Results.Count(r => r.Failure is null && r.Pid != 0));
        });
        // A lone answer, e.g. from a helper that registered while its peers were frozen.
        Receive<HelperFreezeDone>(done =>
        {
            if (done.Failure is { } failure) _log.Warning(failure.Message);
        });
        Receive<Terminated>(t =>
        {
            _helpers.Remove(t.ActorRef);
            // A launcher that died holding permits will never return them.
            foreach (var id in _permits.Where(p => p.Value.Equals(t.ActorRef)).Select(p => p.Key).ToList())
            {
                _permits.Remove(id);
                _gate.Exit();
            }
            Changed();
        });
        Receive<Tick>(_ => OnTick());
    }

    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>Creates the guardian with a gate made outside it (its constructor taking the gate is internal).</summary>
    internal sealed class Producer(LaunchGate gate) : IIndirectActorProducer
    {
        public Type ActorType => typeof(GuardianActor);

        public ActorBase Produce() => new GuardianActor(TimeProvider.System, gate);

        public void Release(ActorBase actor)
        {
        }
    }

    protected override void PreStart() => Timers.StartPeriodicTimer("tick", Tick.Instance, TimeSpan.FromMilliseconds(20));

    private void OnRequest(RequestLaunchPermit request)
    {
        switch (_state)
        {
            case GuardianState.Enabled:
                Grant(Sender);
                break;
            case GuardianState.Disabled:
                Sender.Tell(new Status.Failure(new LaunchesDisabledException()));
                _metrics.Refused("disabled");
                break;
            case GuardianState.Freezing when request.TryOnly:
                Sender.Tell(new Status.Failure(new LaunchPermitTimeoutException(TimeSpan.Zero, tryOnly: true)));
                _metrics.Refused("frozen");
                break;
            default:
                _waiting.AddLast(new Waiter(Sender, _clock.GetTimestamp(), request.MaxWait));
                Changed();
                break;
        }
    }

    private void Grant(IActorRef launcher)
    {
        var id = ++_lastPermit;
        _permits[id] = launcher;
        _gate.Grant();
        Context.Watch(launcher);
        launcher.Tell(new LaunchPermitGranted(id));
        Changed();
    }

    private void BeginTransition(GuardianState target, TimeSpan timeout, bool freezeRunning)
    {
        _transition?.Caller.Tell(new GuardianTransition(false, _state, "superseded by a newer state change"));
        AbandonRunningFreeze("superseded by a newer state change");
        _epoch++;
        _state = target;
        // From here no launch passes the gate; those already through are counted and awaited.
        _gate.Close(target);
        if (target == GuardianState.Disabled) FailWaiting(new LaunchesDisabledException());
        _transition = new PendingTransition(Sender, target, _clock.GetTimestamp(), timeout, freezeRunning);
        _log.Info("launches {0}: waiting up to {1} ms for {2} launch(es) in progress", target, timeout.TotalMilliseconds, _gate.InFlight);
        Changed();
        CompleteTransitionIfDrained();
    }

    private void CompleteTransitionIfDrained()
    {
        if (_transition is not { } transition || _gate.InFlight > 0) return;
        _transition = null;
        if (transition.FreezeRunning) FreezeRunningHelpers(transition.Caller);
        else transition.Caller.Tell(new GuardianTransition(true, _state));
    }

    private void FreezeRunningHelpers(IActorRef caller)
    {
        _helpersFrozen = true;
        _runningFreeze = new RunningFreeze(caller, _epoch);
        var epoch = _epoch;
        AskAllHelpers(frozen: true).PipeTo(Self, success: results => new RunningHelpersFreezeDone(caller, epoch, results));
    }

    // As freeze_processes(): all frozen is success; one that cannot be frozen thaws them all again,
    // launches go back to Enabled and the caller hears why. The answer counts only if nothing
    // changed the state meanwhile (that change already answered the caller).
    private void OnRunningHelpersFrozen(RunningHelpersFreezeDone done)
    {
        if (_runningFreeze is not { } pending || pending.Epoch != done.Epoch) return;
        _runningFreeze = null;
        var failures = done.Results.Where(r => r.Failure is not null).Select(r => r.Failure!.Message).ToList();
        if (failures.Count == 0)
        {
            _log.Info("froze {0} running helper(s)", done.Results.Count(r => r.Pid != 0));
            done.Caller.Tell(new GuardianTransition(true, _state));
            Changed();
            return;
        }
        var reason = $"{failures.Count} running helper(s) could not be frozen ({string.Join("; ", failures)}); helpers thawed and launches re-enabled";
        _log.Warning("cannot freeze: {0}", reason);
        Enable(ActorRefs.Nobody);
        done.Caller.Tell(new GuardianTransition(false, _state, reason));
    }

    private void AbandonRunningFreeze(string reason)
    {
        if (_runningFreeze is not { } pending) return;
        _runningFreeze = null;
        pending.Caller.Tell(new GuardianTransition(false, _state, reason));
    }

    // Answers are collected off the guardian; a helper actor that stopped meanwhile never answers
    // and simply does not count. Its Terminated may still be on its way to the guardian, so each Ask
    // races the actor's death: a stopped actor must not hold the freeze up for FreezeAnswerTimeout.
    private Task<IReadOnlyList<HelperFreezeDone>> AskAllHelpers(bool frozen)
    {
        var asks = _helpers.Select(async helper =>
        {
            try
            {
                using var answered = new CancellationTokenSource();
                var answer = helper.Ask<HelperFreezeDone>(new SetHelperFrozen(frozen), FreezeAnswerTimeout);
                Task<bool> gone;
                try
                {
                    gone = helper.WatchAsync(answered.Token);
                }
                catch (InvalidOperationException)
                {
                    gone = Task.FromResult(false); // not watchable from here: the answer (or its timeout) decides
                }
                if (await Task.WhenAny(answer, gone).ConfigureAwait(false) == gone && !answer.IsCompleted && gone is { IsCompletedSuccessfully: true, Result: true })
                    return new HelperFreezeDone(0, "none");
                answered.Cancel();
                return await answer.ConfigureAwait(false);
            }
            catch (AskTimeoutException)
            {
                return new HelperFreezeDone(0, "none");
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                return new HelperFreezeDone(0, "none", new HelperFreezeFailedException(helper.Path.Name, 0, frozen, e));
            }
        }).ToList();
        return Task.WhenAll(asks).ContinueWith(t => (IReadOnlyList<HelperFreezeDone>)t.Result, TaskContinuationOptions.ExecuteSynchronously);
    }

    private void Enable(IActorRef caller)
    {
        _transition?.Caller.Tell(new GuardianTransition(false, GuardianState.Enabled, "launches were re-enabled"));
        _transition = null;
        _epoch++;
        _state = GuardianState.Enabled;
        _gate.Close(GuardianState.Enabled);
        AbandonRunningFreeze("launches were re-enabled before the running helpers were frozen");
        ThawRunningHelpers();
        // Waiting launches proceed in the order they asked.
        while (_waiting.First is { } first)
        {
            _waiting.RemoveFirst();
            Grant(first.Value.Launcher);
        }
        caller.Tell(new GuardianTransition(true, _state));
        Changed();
    }

    private void ThawRunningHelpers()
    {
        if (!_helpersFrozen) return;
        _helpersFrozen = false;
        AskAllHelpers(frozen: false).PipeTo(Self, success: results => new RunningHelpersThawDone(results));
    }

    private void OnTick()
    {
        for (var node = _waiting.First; node is not null;)
        {
            var next = node.Next;
            var waited = _clock.GetElapsedTime(node.Value.AskedAt);
            if (waited >= node.Value.MaxWait)
            {
                node.Value.Launcher.Tell(new Status.Failure(new LaunchPermitTimeoutException(waited, tryOnly: false)));
                _metrics.Refused("timeout");
                _waiting.Remove(node);
                Changed();
            }
            node = next;
        }
        CompleteTransitionIfDrained();
        if (_transition is { } transition && _clock.GetElapsedTime(transition.StartedAt) >= transition.Timeout)
        {
            // As __usermodehelper_disable(): launches did not drain in time, so re-enable and report busy.
            var reason = $"{_gate.InFlight} launch(es) still in progress after the timeout; launches re-enabled";
            _log.Warning("cannot move to {0}: {1}", transition.Target, reason);
            _transition = null;
            var caller = transition.Caller;
            Enable(ActorRefs.Nobody);
            caller.Tell(new GuardianTransition(false, _state, reason));
        }
    }

    private void FailWaiting(Exception failure)
    {
        foreach (var waiter in _waiting)
        {
            waiter.Launcher.Tell(new Status.Failure(failure));
            _metrics.Refused("disabled");
        }
        _waiting.Clear();
    }

    private GuardianStatus Status() => new(_state, _gate.InFlight, _waiting.Count, _helpersFrozen);

    private GuardianStatus? _lastPublished;

    private void Changed()
    {
        var status = Status();
        if (status == _lastPublished) return;
        _lastPublished = status;
        Context.System.EventStream.Publish(status);
    }
}
