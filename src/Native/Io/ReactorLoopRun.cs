namespace UmhActors.Native.Io;

/// <summary>
/// One thread's turn at running a <see cref="Reactor"/>'s loop. A turn ends when the reactor stops,
/// or when the relief watch found its thread stuck in a deferred item (a caller's continuation that
/// blocks) and handed the loop to a new thread: the old one finishes its item and exits.
/// </summary>
internal sealed class ReactorLoopRun
{
    /// <summary>Dispatching events, or waiting for them.</summary>
    public const int Dispatching = 0;

    /// <summary>Running the round's deferred items.</summary>
    public const int RunningDeferred = 1;

    /// <summary>Replaced by another thread: the loop ends after the current item.</summary>
    public const int Relieved = 2;

    /// <summary>One of <see cref="Dispatching"/>, <see cref="RunningDeferred"/>, <see cref="Relieved"/>.</summary>
    public int Phase;

    /// <summary>Deferred items started on this turn: the watch's measure of progress.</summary>
    public long Started;

    /// <summary>This turn's deferred work (only its thread adds to it).</summary>
    public readonly DeferredRound Round = new();

    /// <summary>The thread running this turn.</summary>
    public Thread Thread = null!;

    /// <summary>For a relief turn: set once the stuck turn was relieved, or once it turned out to have
    /// finished first (<see cref="Abandoned"/>); the new thread waits for it before touching epoll.</summary>
    public ManualResetEventSlim? Release;

    /// <summary>A relief turn not needed after all: its thread ends without running the loop.</summary>
    public volatile bool Abandoned;
}
