namespace UmhActors.Helpers;

/// <summary>
/// The timers behind <see cref="LocalReply"/> deadlines: a <see cref="CancellationTokenSource"/> per
/// call, reused through a per-thread cache (<see cref="CancellationTokenSource.TryReset"/> keeps its
/// timer), so a call allocates no timer once its thread has one.
/// </summary>
/// <remarks>Measured against a per-call source and against one shared sweep over striped lists (2 M
/// calls, 1 and 4 threads, five rounds): per call ≈ 100–140 ns, reused ≈ 90–140 ns, the sweep
/// 130–225 ns, the sweep also keeping every answered reply alive until it passes (gen-1 promotions).</remarks>
internal static class ReplyDeadlineTimers
{
    [ThreadStatic]
    private static CancellationTokenSource? _cached;

    /// <summary>A source that cancels after <paramref name="timeout"/>; give it back with
    /// <see cref="Return"/> once its registrations are disposed.</summary>
    public static CancellationTokenSource Rent(TimeSpan timeout)
    {
        var source = _cached ?? new CancellationTokenSource();
        _cached = null;
        source.CancelAfter(timeout);
        return source;
    }

    /// <summary>Keeps <paramref name="source"/> for the next call on this thread if it did not fire
    /// (its timer stopped), else disposes it.</summary>
    public static void Return(CancellationTokenSource source)
    {
        if (source.TryReset()) _cached = source;
        else source.Dispose();
    }
}
