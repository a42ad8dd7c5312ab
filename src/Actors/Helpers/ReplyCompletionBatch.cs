namespace UmhActors.Helpers;

/// <summary>
/// The <see cref="LocalReply"/> answers of one read from a helper's stdout, completed by thread-pool
/// work items that each take the next reply until none is left, instead of one thread-pool dispatch
/// per answer. The reactor (or the actor's thread, while it polls) only queues the batch: no caller's
/// continuation ever runs on it.
/// </summary>
/// <remarks>
/// A caller's continuation runs inline on the work item, and may block. So before running one, the
/// work item makes sure another is queued for the same batch while replies remain: a blocked
/// continuation holds up only its own reply, and the queued spare takes the rest. A started spare
/// queues the next spare, so a batch costs about as many work items as threads that took part in it.
/// </remarks>
internal sealed class ReplyCompletionBatch : IThreadPoolWorkItem
{
    private readonly LocalReply[] _replies;
    private readonly int _count;
    private int _next = -1;
    private int _spareQueued;

    private ReplyCompletionBatch(LocalReply[] replies, int count)
    {
        _replies = replies;
        _count = count;
    }

    /// <summary>Queues the completion of <paramref name="replies"/> (each already answered with
    /// <see cref="LocalReply.TryAnswer"/>); the batch keeps a copy, the caller may reuse the span.</summary>
    public static void Schedule(ReadOnlySpan<LocalReply> replies)
    {
        if (replies.IsEmpty) return;
        IThreadPoolWorkItem work = replies.Length == 1 ? replies[0] : new ReplyCompletionBatch(replies.ToArray(), replies.Length) { _spareQueued = 1 };
        ThreadPool.UnsafeQueueUserWorkItem(work, preferLocal: false);
    }

    public void Execute()
    {
        // This work item was the queued spare: it runs now, so a new one may be needed.
        Volatile.Write(ref _spareQueued, 0);
        while (true)
        {
            var index = Interlocked.Increment(ref _next);
            if (index >= _count) return;
            if (index + 1 < _count && Volatile.Read(ref _spareQueued) == 0 && Interlocked.Exchange(ref _spareQueued, 1) == 0)
                ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
            var reply = _replies[index];
            _replies[index] = null!; // the array may outlive the batch in a queued spare
            reply.Complete();
        }
    }
}
