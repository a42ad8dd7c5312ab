namespace UmhActors.Helpers;

/// <summary>
/// Keeps a <see cref="ReplyCompletionBatch"/> whose work item is stuck in a caller's continuation from
/// holding up the other answers of its read: a timer, running only while batches are watched, looks
/// at each every <see cref="Period"/> and has a stalled one taken over by another work item
/// (<see cref="ReplyCompletionBatch.LookForStall"/>).
/// </summary>
/// <remarks>A batch is watched from its scheduling until the look after its last reply was taken:
/// one list append per read on the reactor, a timer tick per period while answers flow, nothing when idle.</remarks>
internal static class StalledReplyWatch
{
    /// <summary>How often running batches are looked at: a blocked continuation delays the rest of
    /// its read by one to two periods.</summary>
    internal static readonly TimeSpan Period = TimeSpan.FromMilliseconds(10);

    private static readonly object Gate = new();
    private static readonly Timer Ticker = new(static _ => Look(), null, Timeout.Infinite, Timeout.Infinite);
    private static List<ReplyCompletionBatch> _watched = [];
    private static List<ReplyCompletionBatch> _spare = [];
    private static bool _ticking;
    // A timer's callbacks may overlap when one runs late; only one may hold the swapped list.
    private static int _looking;

    /// <summary>Watches <paramref name="batch"/> until all its replies were taken.</summary>
    public static void Watch(ReplyCompletionBatch batch)
    {
        lock (Gate)
        {
            _watched.Add(batch);
            if (_ticking) return;
            _ticking = true;
            Ticker.Change(Period, Period);
        }
    }

    private static void Look()
    {
        if (Interlocked.Exchange(ref _looking, 1) != 0) return;
        try
        {
            LookOnce();
        }
        finally
        {
            Volatile.Write(ref _looking, 0);
        }
    }

    private static void LookOnce()
    {
        List<ReplyCompletionBatch> looking;
        lock (Gate)
        {
            looking = _watched;
            _watched = _spare;
            _spare = looking;
        }
        // Outside the lock: the reactors keep appending meanwhile.
        var keep = 0;
        for (var i = 0; i < looking.Count; i++)
            if (looking[i].LookForStall()) looking[keep++] = looking[i];
        lock (Gate)
        {
            for (var i = 0; i < keep; i++) _watched.Add(looking[i]);
            looking.Clear();
            if (_watched.Count > 0) return;
            _ticking = false;
            Ticker.Change(Timeout.Infinite, Timeout.Infinite);
        }
    }
}
