using Akka.Actor;
using Akka.Event;

namespace UmhActors.Guardian;

/// <summary>
/// The one launch guardian of an ActorSystem: hands out launch permits according to its
/// <see cref="GuardianState"/>, counts launches in progress (<c>running_helpers</c>), and moves
/// between states as <c>__usermodehelper_set_disable_depth()</c> and
/// <c>__usermodehelper_disable()</c> do: change the state, then wait for launches in progress to
/// drain, and if they do not in time, re-enable and report busy.
/// </summary>
internal sealed class GuardianActor : ReceiveActor, IWithTimers
{
    private sealed record Waiter(IActorRef Launcher, DateTime Deadline, DateTime AskedAt);

    private sealed record PendingTransition(IActorRef Caller, GuardianState Target, DateTime Deadline, bool FreezeRunning);

    private sealed record RunningHelpersFreezeDone(IActorRef Caller, int Count);

    private sealed class Tick
    {
        public static Tick Instance { get; } = new();
    }

    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Dictionary<long, IActorRef> _permits = new();
    private readonly LinkedList<Waiter> _waiting = new();
    private readonly HashSet<IActorRef> _helpers = new();
    private GuardianState _state = GuardianState.Enabled;
    private PendingTransition? _transition;
    private bool _helpersFrozen;
    private long _lastPermit;

    public GuardianActor()
    {
        Receive<RequestLaunchPermit>(OnRequest);
        Receive<ReturnLaunchPermit>(r =>
        {
            if (_permits.Remove(r.PermitId)) Changed();
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
        Receive<RunningHelpersFreezeDone>(done =>
        {
            _log.Info("froze {0} running helper(s)", done.Count);
            done.Caller.Tell(new GuardianTransition(true, _state));
            Changed();
        });
        Receive<Terminated>(t =>
        {
            _helpers.Remove(t.ActorRef);
            // A launcher that died holding permits will never return them.
            foreach (var id in _permits.Where(p => p.Value.Equals(t.ActorRef)).Select(p => p.Key).ToList()) _permits.Remove(id);
            Changed();
        });
        Receive<Tick>(_ => OnTick());
    }

    public ITimerScheduler Timers { get; set; } = null!;

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
                break;
            case GuardianState.Freezing when request.TryOnly:
                Sender.Tell(new Status.Failure(new LaunchPermitTimeoutException(TimeSpan.Zero, tryOnly: true)));
                break;
            default:
                var now = DateTime.UtcNow;
                _waiting.AddLast(new Waiter(Sender, now + request.MaxWait, now));
                Changed();
                break;
        }
    }

    private void Grant(IActorRef launcher)
    {
        var id = ++_lastPermit;
        _permits[id] = launcher;
        Context.Watch(launcher);
        launcher.Tell(new LaunchPermitGranted(id));
        Changed();
    }

    private void BeginTransition(GuardianState target, TimeSpan timeout, bool freezeRunning)
    {
        _transition?.Caller.Tell(new GuardianTransition(false, _state, "superseded by a newer state change"));
        _state = target;
        if (target == GuardianState.Disabled) FailWaiting(new LaunchesDisabledException());
        _transition = new PendingTransition(Sender, target, DateTime.UtcNow + timeout, freezeRunning);
        _log.Info("launches {0}: waiting up to {1} ms for {2} launch(es) in progress", target, timeout.TotalMilliseconds, _permits.Count);
        Changed();
        CompleteTransitionIfDrained();
    }

    private void CompleteTransitionIfDrained()
    {
        if (_transition is not { } transition || _permits.Count > 0) return;
        _transition = null;
        if (transition.FreezeRunning) FreezeRunningHelpers(transition.Caller);
        else transition.Caller.Tell(new GuardianTransition(true, _state));
    }

    private void FreezeRunningHelpers(IActorRef caller)
    {
        _helpersFrozen = true;
        var helpers = _helpers.ToList();
        var self = Self;
        Task.WhenAll(helpers.Select(h => h.Ask<HelperFreezeDone>(new SetHelperFrozen(true), TimeSpan.FromSeconds(10))))
            .ContinueWith(_ => new RunningHelpersFreezeDone(caller, helpers.Count), TaskContinuationOptions.ExecuteSynchronously)
            .PipeTo(self);
    }

    private void Enable(IActorRef caller)
    {
        _transition?.Caller.Tell(new GuardianTransition(false, GuardianState.Enabled, "launches were re-enabled"));
        _transition = null;
        _state = GuardianState.Enabled;
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
        foreach (var helper in _helpers) helper.Tell(new SetHelperFrozen(false));
    }

    private void OnTick()
    {
        var now = DateTime.UtcNow;
        for (var node = _waiting.First; node is not null;)
        {
            var next = node.Next;
            if (node.Value.Deadline <= now)
            {
                node.Value.Launcher.Tell(new Status.Failure(new LaunchPermitTimeoutException(now - node.Value.AskedAt, tryOnly: false)));
                _waiting.Remove(node);
                Changed();
            }
            node = next;
        }
        CompleteTransitionIfDrained();
        if (_transition is { } transition && transition.Deadline <= now)
        {
            // As __usermodehelper_disable(): launches did not drain in time, so re-enable and report busy.
            var reason = $"{_permits.Count} launch(es) still in progress after the timeout; launches re-enabled";
            _log.Warning("cannot move to {0}: {1}", transition.Target, reason);
            _transition = null;
            var caller = transition.Caller;
            Enable(ActorRefs.Nobody);
            caller.Tell(new GuardianTransition(false, _state, reason));
        }
    }

    private void FailWaiting(Exception failure)
    {
        foreach (var waiter in _waiting) waiter.Launcher.Tell(new Status.Failure(failure));
        _waiting.Clear();
    }

    private GuardianStatus Status() => new(_state, _permits.Count, _waiting.Count, _helpersFrozen);

    private GuardianStatus? _lastPublished;

    private void Changed()
    {
        var status = Status();
        if (status == _lastPublished) return;
        _lastPublished = status;
        Context.System.EventStream.Publish(status);
    }
}
