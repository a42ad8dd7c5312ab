namespace UmhActors.Native.Io;

/// <summary>
/// The work handlers left for the end of one round of a <see cref="Reactor"/>'s events (see
/// <see cref="Reactor.TryDeferToRoundEnd"/>), run on its thread once every handler of the round
/// returned, so outside every channel's gate. Each item runs once, on whichever thread claims it:
/// the reactor's, or, after the reactor was relieved from a stuck item, a thread-pool thread that
/// runs what is left (this object as its work item).
/// </summary>
internal sealed class DeferredRound : IThreadPoolWorkItem
{
    private IThreadPoolWorkItem?[] _items = new IThreadPoolWorkItem?[16];
    private int _count;
    // The index of the last item claimed; every runner claims the next with one increment.
    private int _next = -1;

    /// <summary>Items added since the last <see cref="Reset"/>.</summary>
    public int Count => _count;

    /// <summary>Adds <paramref name="item"/> (the reactor thread only, while it dispatches the round).</summary>
    public void Add(IThreadPoolWorkItem item)
    {
        if (_count == _items.Length) Array.Resize(ref _items, _count * 2);
        _items[_count++] = item;
    }

    /// <summary>Runs items until none is left unclaimed, counting each it starts in
    /// <paramref name="started"/> (what the relief watch reads to see progress).</summary>
    public void RunAll(ref long started)
    {
        while (true)
        {
            var index = Interlocked.Increment(ref _next);
            if (index >= _count) return;
            var item = _items[index]!;
            _items[index] = null; // a relieved round may live on in a pool work item: keep nothing alive
            Interlocked.Increment(ref started);
            try
            {
                item.Execute();
            }
            catch (Exception error)
            {
                // As a handler's failure: one item's bug must not end the loop that serves every helper.
                System.Diagnostics.Trace.TraceError($"umh reactor: deferred work ({item.GetType().Name}) threw: {error}");
            }
        }
    }

    /// <summary>Empties the round for the next (the reactor thread, once it ran every item itself).</summary>
    public void Reset()
    {
        _count = 0;
        _next = -1;
    }

    // The rest of a relieved round, on the thread pool; its counter is nobody's concern any more.
    void IThreadPoolWorkItem.Execute()
    {
        long ignored = 0;
        RunAll(ref ignored);
    }
}
