namespace UmhActors.Native.Io;

/// <summary>
/// Turns edge-triggered readiness into an awaitable without losing an edge: the reactor bumps a
/// version on each event, and a waiter that saw the version before its failed attempt
/// (<c>EAGAIN</c>) only sleeps if no event arrived since.
/// </summary>
internal sealed class ReadinessSignal
{
    private int _version;
    private TaskCompletionSource? _waiter;
    private Exception? _fault;

    /// <summary>The version to pass to <see cref="WaitAsync"/> after the next attempt fails.</summary>
    public int Version => Volatile.Read(ref _version);

    /// <summary>Called by the reactor thread.</summary>
    public void Signal()
    {
        Interlocked.Increment(ref _version);
        Interlocked.Exchange(ref _waiter, null)?.TrySetResult();
    }

    /// <summary>Fails the current and every later wait (the fd is being closed).</summary>
    public void Fault(Exception error)
    {
        _fault = error;
        Interlocked.Exchange(ref _waiter, null)?.TrySetException(error);
    }

    /// <summary>Completes when an event newer than <paramref name="seenVersion"/> has arrived.</summary>
    public Task WaitAsync(int seenVersion, CancellationToken cancellationToken)
    {
        if (_fault is { } fault) return Task.FromException(fault);
        var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _waiter, waiter);
        if (Volatile.Read(ref _version) != seenVersion)
        {
            Interlocked.CompareExchange(ref _waiter, null, waiter);
            return Task.CompletedTask;
        }
        if (_fault is { } lateFault)
        {
            Interlocked.CompareExchange(ref _waiter, null, waiter);
            return Task.FromException(lateFault);
        }
        return cancellationToken.CanBeCanceled ? WaitCancellable(waiter, cancellationToken) : waiter.Task;
    }

    private async Task WaitCancellable(TaskCompletionSource waiter, CancellationToken cancellationToken)
    {
        await using var registration = cancellationToken.Register(() => waiter.TrySetCanceled(cancellationToken));
        await waiter.Task.ConfigureAwait(false);
    }
}
