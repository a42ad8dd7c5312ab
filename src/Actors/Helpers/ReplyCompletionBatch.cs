using UmhActors.Native.Io;
namespace UmhActors.Helpers;

/// <summary>
/// The <see cref="LocalReply"/> answers of one read from a helper's stdout, completed by one
/// thread-pool work item that takes reply after reply, instead of one thread-pool dispatch per
/// answer. The reactor (or the actor's thread, while it polls) only queues the batch: no caller's
/// continuation ever runs on it.
/// </summary>
/// <remarks>
/// A caller's continuation runs inline on the work item, and may block. The batch is then taken
/// over, not waited for: <see cref="StalledReplyWatch"/> looks at every running batch about every
/// <see cref="StalledReplyWatch.Period"/>, and queues another work item for one that took no reply
/// since its last look, which takes the replies left. So a blocked continuation holds up the others
/// of its read for one or two periods, and only its own reply after that. Queuing that spare before
/// every continuation instead (the earlier design) kept two or three pool threads waking and
/// contending on every read of a pipelined stream: about a third of the host's CPU per request
/// (docs/benchmarks.md, "rtt").
/// </remarks>
internal sealed class ReplyCompletionBatch : IThreadPoolWorkItem
{
    private readonly LocalReply[] _replies;
    private readonly int _count;
    // The index of the last reply taken; every work item of the batch takes the next with one increment.
    private int _next = -1;
    // The watch's view of _next at its last look (watch thread only).
    private int _seenNext = int.MinValue;
    private int _disarmed;

    private ReplyCompletionBatch(LocalReply[] replies, int count)
    {
        _replies = replies;
        _count = count;
    }

    /// <summary>Queues the completion of <paramref name="replies"/> (each already answered with
    /// <see cref="LocalReply.TryAnswer"/>); the batch keeps a copy, the caller may reuse the span.
    /// With <paramref name="onReactor"/> (<see cref="HelperOptions.InlineCompletions"/>), called on the
    /// reactor's thread, they are completed there once its round of events is dispatched; otherwise,
    /// or on any other thread, by a thread-pool work item.</summary>
    public static void Schedule(ReadOnlySpan<LocalReply> replies, bool onReactor = false)
    {
        if (replies.IsEmpty) return;
        if (replies.Length == 1)
        {
            // A reply alone is its own work item: if its continuation blocks, nothing else waits.
            if (!(onReactor && Reactor.TryDeferToRoundEnd(replies[0])))
                ThreadPool.UnsafeQueueUserWorkItem(replies[0], preferLocal: false);
            return;
        }
        var batch = new ReplyCompletionBatch(replies.ToArray(), replies.Length);
        // Watched on the reactor too: if a continuation blocks it there, the rest of the batch moves to the pool.
        StalledReplyWatch.Watch(batch);
        if (!(onReactor && Reactor.TryDeferToRoundEnd(batch)))
            ThreadPool.UnsafeQueueUserWorkItem(batch, preferLocal: false);
    }

    public void Execute()
    {
        // The first work item stops every reply's deadline at once (one lock per stripe, not per
        // reply); a spare is queued only once replies are being taken, so after this.
        if (Interlocked.Exchange(ref _disarmed, 1) == 0) LocalReply.DisarmAll(_replies.AsSpan(0, _count));
        while (true)
        {
            var index = Interlocked.Increment(ref _next);
            if (index >= _count) return;
            var reply = _replies[index];
            _replies[index] = null!; // the array may outlive the batch in a queued spare
            reply.CompleteDisarmed();
        }
    }

    /// <summary>The watch's look (one thread at a time): false once every reply was taken (stop
    /// watching); otherwise queues a spare work item when a started batch took no reply since the last look.</summary>
    internal bool LookForStall()
    {
        var next = Volatile.Read(ref _next);
        if (next >= _count - 1) return false;
        // Not started yet means the pool is busy, not blocked by this batch: a spare would only queue behind.
        if (next >= 0 && next == _seenNext) ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        _seenNext = next;
        return true;
    }
}
