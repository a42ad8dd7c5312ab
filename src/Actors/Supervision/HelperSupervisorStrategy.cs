using System.Collections.Concurrent;
using Akka.Actor;
using UmhActors.Failures;

namespace UmhActors.Supervision;

/// <summary>
/// An Akka <see cref="OneForOneStrategy"/> that applies a <see cref="HelperSupervisionPolicy"/>
/// table to helper actors that escalate their failures (<see cref="HelperSupervisionPolicy.EscalateAll"/>),
/// for a user's own parent actor or Akka's <c>BackoffSupervisor</c>. Each
/// <see cref="HelperFailureException"/> gets the directive the built-in table would give the same
/// failure, intensity included: the same <see cref="RestartTracker"/> decides, per failure kind,
/// restart (Akka <see cref="Directive.Restart"/>), stop, or escalate; N restarts of one kind within
/// its window, then that kind's <see cref="RestartIntensity.WhenExceeded"/>.
/// </summary>
/// <remarks>
/// <para>Akka's own restart count (<see cref="OneForOneStrategy.MaxNumberOfRetries"/>) is unlimited
/// here: the table's per-kind intensity is the only limit, as in the built-in actor.</para>
/// <para>Akka restarts a child at once; the policy's backoff is not waited for. Wrap the helper in
/// <c>BackoffSupervisor</c> (<c>Backoff.OnFailure(…).WithSupervisorStrategy(strategy)</c>) for delays
/// between restarts: it turns each Restart into a stop and a delayed start, and stops itself when
/// this strategy says Stop.</para>
/// <para>A parent calls <see cref="SupervisorStrategy.Decider"/> through <c>Handle</c>, which keeps
/// one restart history per child, dropped when the child terminates. <c>BackoffSupervisor</c> calls
/// <see cref="SupervisorStrategy.Decider"/> directly, without the child: that decider keeps one
/// history for the whole strategy, which is right for a BackoffSupervisor (one child, re-created
/// after each restart, whose history must survive the re-creation). So give each BackoffSupervisor
/// its own strategy instance. Exceptions that are not <see cref="HelperFailureException"/>s go to
/// the fallback decider (Akka's default unless given).</para>
/// </remarks>
public sealed class HelperSupervisorStrategy : OneForOneStrategy
{
    private readonly HelperSupervisionPolicy _policy;
    private readonly IDecider _fallback;
    private readonly TimeProvider _clock;
    private readonly long _createdAt;
    private readonly ConcurrentDictionary<IActorRef, RestartTracker> _perChild = new();

    private HelperSupervisorStrategy(HelperSupervisionPolicy policy, IDecider fallback, TimeProvider clock, SharedDecider decider)
        : base(-1, -1, decider)
    {
        _policy = policy;
        _fallback = fallback;
        _clock = clock;
        _createdAt = clock.GetTimestamp();
        decider.Owner = this;
    }

    /// <summary>The table this strategy applies.</summary>
    public HelperSupervisionPolicy Policy => _policy;

    /// <summary>A strategy applying <paramref name="policy"/> (usually <see cref="HelperSupervisionPolicy.Default"/>)
    /// to helper failures, and <paramref name="fallback"/> (default: Akka's
    /// <see cref="SupervisorStrategy.DefaultDecider"/>) to every other exception.</summary>
    public static HelperSupervisorStrategy From(HelperSupervisionPolicy policy, IDecider? fallback = null) =>
        From(policy, fallback, TimeProvider.System);

    /// <summary>As <see cref="From(HelperSupervisionPolicy, IDecider?)"/>, measuring restart windows on
    /// <paramref name="clock"/>'s monotonic timestamps.</summary>
    internal static HelperSupervisorStrategy From(HelperSupervisionPolicy policy, IDecider? fallback, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(clock);
        return new HelperSupervisorStrategy(policy, fallback ?? DefaultDecider, clock, new SharedDecider());
    }

    /// <summary>The Akka directive for a table directive.</summary>
    public static Directive ToAkka(HelperDirective directive) => directive switch
    {
        HelperDirective.Restart => Directive.Restart,
        HelperDirective.Stop => Directive.Stop,
        HelperDirective.Escalate => Directive.Escalate,
        _ => throw new ArgumentOutOfRangeException(nameof(directive), directive, "not a helper directive"),
    };

    /// <inheritdoc />
    protected override Directive Handle(IActorRef child, Exception exception)
    {
        if (exception is not HelperFailureException failure) return _fallback.Decide(exception);
        var tracker = _perChild.GetOrAdd(child, _ => NewTracker());
        // A child is supervised by one parent, whose failures are handled one at a time.
        lock (tracker) return Decide(tracker, failure);
    }

    /// <inheritdoc />
    public override void HandleChildTerminated(IActorContext actorContext, IActorRef child, IEnumerable<IInternalActorRef> children)
    {
        // Its history dies with it, so a long-lived parent does not collect the histories of every
        // child it ever had (a restart keeps the same ref and its history; a child re-created under
        // the same name is a new ref with a new history).
        _perChild.TryRemove(child, out _);
        base.HandleChildTerminated(actorContext, child, children);
    }

    private RestartTracker NewTracker() => new(_policy, Random.Shared);

    private Directive Decide(RestartTracker tracker, HelperFailureException failure) =>
        ToAkka(tracker.Decide(failure, _clock.GetElapsedTime(_createdAt)).Directive);

    /// <summary>The child-less decider (for BackoffSupervisor and direct callers): one history for
    /// the whole strategy.</summary>
    private sealed class SharedDecider : IDecider
    {
        private readonly Lock _gate = new();
        private RestartTracker? _tracker;

        public HelperSupervisorStrategy Owner { get; set; } = null!;

        public Directive Decide(Exception cause)
        {
            if (cause is not HelperFailureException failure) return Owner._fallback.Decide(cause);
            lock (_gate)
            {
                _tracker ??= Owner.NewTracker();
                return Owner.Decide(_tracker, failure);
            }
        }
    }
}
