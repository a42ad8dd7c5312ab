using UmhActors.Failures;

namespace UmhActors.Supervision;

/// <summary>
/// A helper actor's restart history: consecutive restarts (for the backoff, reset once a helper
/// stayed up long enough) and, per failure kind, restart times (for that kind's intensity window).
/// Pure bookkeeping; times are readings of a monotonic clock, so a wall-clock step changes nothing.
/// </summary>
/// <remarks>Each kind's intensity counts only that kind's restarts: three crashes do not use up the
/// OOM kind's three, and a kind with a short window never prunes what a long-window kind still
/// counts. The backoff is shared: it measures how unstable the helper is, whatever ends it.</remarks>
internal sealed class RestartTracker(HelperSupervisionPolicy policy, Random random)
{
    private readonly Dictionary<HelperFailureKind, Queue<TimeSpan>> _restarts = new();
    private int _consecutive;

    /// <summary>Decides for <paramref name="failure"/> at <paramref name="now"/> (a monotonic
    /// reading): the directive, the attempt number, the delay, and whether the intensity was
    /// exceeded. For <see cref="HelperDirective.Escalate"/> the delay is the backoff to wait before
    /// relaunching, should the supervisor resume the actor.</summary>
    public (HelperDirective Directive, int Attempt, TimeSpan Delay, bool IntensityExceeded) Decide(HelperFailureException failure, TimeSpan now)
    {
        var kind = policy.For(failure.Kind);
        if (failure.Uptime >= kind.Backoff.ResetAfter) _consecutive = 0;
        if (kind.Directive != HelperDirective.Restart)
            return (kind.Directive, 0, kind.Directive == HelperDirective.Escalate ? kind.Backoff.DelayFor(_consecutive++, random) : TimeSpan.Zero, false);

        if (!_restarts.TryGetValue(failure.Kind, out var times)) _restarts[failure.Kind] = times = new Queue<TimeSpan>();
        while (times.Count > 0 && now - times.Peek() > kind.Intensity.Within) times.Dequeue();
        if (times.Count >= kind.Intensity.MaxRestarts)
        {
            var exceeded = kind.Intensity.WhenExceeded;
            return (exceeded, _consecutive + 1, exceeded == HelperDirective.Escalate ? kind.Backoff.DelayFor(_consecutive++, random) : TimeSpan.Zero, true);
        }

        var delay = kind.Backoff.DelayFor(_consecutive, random);
        _consecutive++;
        times.Enqueue(now);
        return (HelperDirective.Restart, _consecutive, delay, false);
    }
}
