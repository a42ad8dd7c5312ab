namespace UmhActors.Protocol.Runtime;

/// <summary>
/// The cancellation of one request being handled. The reader thread cancels it (<c>$/cancel</c>,
/// stdin EOF) while the handler's thread may be finishing it: <see cref="Cancel"/> and
/// <see cref="Finish"/> exclude each other, so a request is never cancelled after its source was
/// disposed (that throws, and on the reader thread it took the whole helper down).
/// </summary>
internal sealed class InFlightRequest
{
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _cancellation = new();
    private Task? _cancelling;
    private bool _finished;

    /// <summary>The handler's token.</summary>
    public CancellationToken Token => _cancellation.Token;

    /// <summary>Requests cancellation unless the handler has finished. Never throws and never runs
    /// user code on the caller's thread: the token's callbacks (the handler's continuations, its
    /// registrations, which may block or throw) run on the thread pool.</summary>
    public void Cancel()
    {
        lock (_gate)
        {
            if (!_finished && _cancelling is null) _cancelling = _cancellation.CancelAsync();
        }
    }

    /// <summary>Marks the handler finished; later <see cref="Cancel"/> calls do nothing. The source
    /// is disposed once no callback of a cancellation still runs (Dispose must not overlap them).</summary>
    public void Finish()
    {
        Task? cancelling;
        lock (_gate)
        {
            _finished = true;
            cancelling = _cancelling;
        }
        if (cancelling is null) _cancellation.Dispose();
        else cancelling.ContinueWith(static (_, source) => ((CancellationTokenSource)source!).Dispose(), _cancellation,
            CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }
}
