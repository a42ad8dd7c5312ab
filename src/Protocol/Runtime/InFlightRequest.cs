namespace UmhActors.Protocol.Runtime;

/// <summary>
/// The cancellation of one request being handled. The reader thread cancels it (<c>$/cancel</c>,
/// stdin EOF) while the handler's thread may be finishing it: <see cref="TryCancel"/> and
/// <see cref="Finish"/> agree through one state word, so a request is never cancelled after its
/// source was disposed (that throws, and on the reader thread it took the whole helper down).
/// </summary>
/// <remarks>A source itself rather than a wrapper around one, and lock-free: every request, the
/// cheapest inline answer included, creates and finishes one.</remarks>
internal sealed class InFlightRequest : CancellationTokenSource
{
    private const int Running = 0;
    private const int Cancelling = 1;
    private const int Cancelled = 2;
    private const int Finished = 3;
    private int _state;
    private Task? _cancellation;

    /// <summary>Requests cancellation unless the handler has finished. Never throws and never runs
    /// user code on the caller's thread: the token's callbacks (the handler's continuations, its
    /// registrations, which may block or throw) run on the thread pool.</summary>
    public void TryCancel()
    {
        if (Interlocked.CompareExchange(ref _state, Cancelling, Running) != Running) return;
        _cancellation = CancelAsync();
        // The handler finished meanwhile and left the disposal to this call.
        if (Interlocked.CompareExchange(ref _state, Cancelled, Cancelling) != Cancelling) DisposeAfterCallbacks();
    }

    /// <summary>Marks the handler finished (once); later <see cref="TryCancel"/> calls do nothing. The
    /// source is disposed once no callback of a cancellation still runs (Dispose must not overlap them).</summary>
    public void Finish()
    {
        switch (Interlocked.Exchange(ref _state, Finished))
        {
            case Running:
                Dispose();
                break;
            case Cancelled:
                DisposeAfterCallbacks();
                break;
            // Cancelling: TryCancel is inside CancelAsync and disposes when it returns.
        }
    }

    private void DisposeAfterCallbacks() =>
        _cancellation!.ContinueWith(static (_, source) => ((CancellationTokenSource)source!).Dispose(), this,
            CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
}
