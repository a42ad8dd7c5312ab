using UmhActors.Failures;

namespace UmhActors.Supervision;

/// <summary>
/// A helper actor's restart history: consecutive restarts (for the backoff, reset once a helper
/// stayed up long enough) and restart times (for the intensity window). Pure bookkeeping.
/// </summary>
internal sealed class RestartTracker(HelperSupervisionPolicy policy, Random random)
{
    private readonly Queue<DateTime> _restarts = new();
    private int _consecutive;

    /// <summary>Decides for <paramref name="failure"/> at <paramref name="now"/>: the directive, the
    /// attempt number, the delay, and whether the intensity was exceeded.</summary>
    public (HelperDirective Directive, int Attempt, TimeSpan Delay, bool IntensityExceeded) Decide(HelperFailureException failure, DateTime now)
    {
        var kind = policy.For(failure.Kind);
        if (kind.Directive != HelperDirective.Restart) return (kind.Directive, 0, TimeSpan.Zero, false);

        if (failure.Uptime >= kind.Backoff.ResetAfter) _consecutive = 0;
        while (_restarts.Count > 0 && now - _restarts.Peek() > kind.Intensity.Within) _restarts.Dequeue();
        if (_restarts.Count >= kind.Intensity.MaxRestarts)
            return (kind.Intensity.WhenExceeded, _consecutive + 1, TimeSpan.Zero, true);

        var delay = kind.Backoff.DelayFor(_consecutive, random);
        _consecutive++;
        _restarts.Enqueue(now);
        return (HelperDirective.Restart, _consecutive, delay, false);
    }
}
