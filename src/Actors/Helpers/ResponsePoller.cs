using UmhActors.Native.Io;

namespace UmhActors.Helpers;

/// <summary>
/// Decides, after the actor wrote a request, whether to wait for the answer on its own thread for
/// a few microseconds (<see cref="FrameChannel.PollForFrames"/>) instead of leaving it to the
/// reactor. A helper that answers in microseconds is then answered without the reactor's wake-up
/// and the hand-off to another thread, which are most of a small request's round trip.
/// </summary>
/// <remarks>
/// It polls only when the wait is likely to pay: exactly one request is in flight (a caller
/// waiting on it, not a pipelined stream), the thread is a pool thread (where an idle worker would
/// spin anyway), and recent polls mostly caught their answer. When fewer than a quarter of recent
/// polls did (a slow method, a busy helper) it stops polling and probes again only every
/// <see cref="ProbeEvery"/>th request, so a slow helper costs almost no spinning.
/// </remarks>
internal sealed class ResponsePoller(TimeSpan budget)
{
    private const int ProbeEvery = 32;

    // Hit rate in 1/256ths, smoothed over about the last 16 polls; starts optimistic.
    private int _hitRate = 256;
    private int _skipped;

    public long Polls { get; private set; }

    public long Hits { get; private set; }

    /// <summary>Called right after a flush with <paramref name="inFlight"/> requests unanswered;
    /// <paramref name="deliveredBefore"/> is the channel's <see cref="FrameChannel.FramesDelivered"/>
    /// taken before the flush.</summary>
    public void AfterFlush(FrameChannel channel, long deliveredBefore, int inFlight)
    {
        if (budget <= TimeSpan.Zero || inFlight != 1) return;
        if (!Thread.CurrentThread.IsThreadPoolThread) return;
        if (_hitRate < 64 && ++_skipped % ProbeEvery != 0) return;

        Polls++;
        var hit = channel.PollForFrames(budget, deliveredBefore);
        if (hit) Hits++;
        _hitRate += ((hit ? 256 : 0) - _hitRate) / 16;
    }
}
