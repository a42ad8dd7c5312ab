using UmhActors.Helpers;

namespace UmhActors.Diagnostics;

/// <summary>What the gauges read of one helper actor, from the collector's thread: plain reads of
/// the actor's state, possibly a moment stale, never a lock on the actor's path.</summary>
internal sealed class HelperLoad(string helper, Func<HelperIncarnation?> current, RequestBook requests)
{
    public string Helper { get; } = helper;

    public bool Live => current() is { Exited: false };

    public long InFlight => current() is { } incarnation ? Math.Max(0, incarnation.InFlight) : 0;

    public long Queued => requests.QueuedCount;
}
