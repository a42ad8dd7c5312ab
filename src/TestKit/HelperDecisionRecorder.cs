using Akka.Actor;
using UmhActors.Supervision;

namespace UmhActors.TestKit;

/// <summary>
/// Records every <see cref="HelperSupervisionDecision"/> the ActorSystem publishes, from its
/// first use on: one per system (an Akka extension), so no test code races the supervision to
/// subscribe. <see cref="HelperTestKitExtensions.ExpectHelperDecision"/> consumes the decisions in
/// order; <see cref="HelperFaults"/> only looks for the end of the pid it hit.
/// </summary>
internal sealed class HelperDecisionRecorder : IExtension
{
    private readonly object _gate = new();
    private readonly List<HelperSupervisionDecision> _decisions = [];
    private readonly HashSet<int> _consumed = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public HelperDecisionRecorder(ExtendedActorSystem system)
    {
        var subscriber = system.SystemActorOf(Props.Create(() => new Subscriber(this)), "umh-testkit-decisions");
        // Synchronous: every decision published once this returns reaches the recorder.
        system.EventStream.Subscribe(subscriber, typeof(HelperSupervisionDecision));
    }

    public static HelperDecisionRecorder For(ActorSystem system) => system.WithExtension<HelperDecisionRecorder, Provider>();

    /// <summary>The decisions recorded so far, oldest first.</summary>
    public IReadOnlyList<HelperSupervisionDecision> All
    {
        get { lock (_gate) return [.. _decisions]; }
    }

    /// <summary>Waits for the first decision (consumed or not) about the helper process <paramref name="pid"/>.</summary>
    public Task<HelperSupervisionDecision?> EndOfAsync(int pid, TimeSpan timeout, CancellationToken cancellationToken) =>
        WaitAsync(() => _decisions.FirstOrDefault(d => d.Failure.Pid == pid), timeout, cancellationToken);

    /// <summary>Takes the oldest decision not yet taken, of <paramref name="helper"/> when given.</summary>
    public Task<HelperSupervisionDecision?> TakeNextAsync(IActorRef? helper, TimeSpan timeout, CancellationToken cancellationToken) =>
        WaitAsync(() =>
        {
            for (var i = 0; i < _decisions.Count; i++)
            {
                if (_consumed.Contains(i) || (helper is not null && !_decisions[i].Helper.Equals(helper))) continue;
                _consumed.Add(i);
                return _decisions[i];
            }
            return null;
        }, timeout, cancellationToken);

    private async Task<HelperSupervisionDecision?> WaitAsync(Func<HelperSupervisionDecision?> find, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                if (find() is { } found) return found;
                changed = _changed.Task;
            }
            try
            {
                await changed.WaitAsync(deadline.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                lock (_gate) return find();
            }
        }
    }

    private void Add(HelperSupervisionDecision decision)
    {
        TaskCompletionSource changed;
        lock (_gate)
        {
            _decisions.Add(decision);
            changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        changed.TrySetResult();
    }

    private sealed class Subscriber : ReceiveActor
    {
        public Subscriber(HelperDecisionRecorder recorder) => Receive<HelperSupervisionDecision>(recorder.Add);
    }

    private sealed class Provider : ExtensionIdProvider<HelperDecisionRecorder>
    {
        public override HelperDecisionRecorder CreateExtension(ExtendedActorSystem system) => new(system);
    }
}
