using System.Diagnostics;

namespace UmhActors.Native.Io;

// Deferred work and the relief of a stuck loop. Handlers may leave work for the end of a round of
// events (a helper's answers, whose callers' continuations then run on this thread with no
// thread-pool hop). Such work may block; a timer, ticking only while rounds run deferred work,
// then hands the loop to a new thread so every other fd is still served, and the thread pool
// runs what the stuck round had left. The stuck thread finishes its item and exits.
internal sealed unsafe partial class Reactor
{
    /// <summary>How often the relief watch looks: deferred work that starts nothing new for a whole
    /// period (one to two periods in all) has its loop moved to a new thread.</summary>
    internal static readonly TimeSpan ReliefPeriod = TimeSpan.FromMilliseconds(10);

    // The round the current thread's reactor turn is collecting, while it dispatches events; null elsewhere.
    [ThreadStatic] private static DeferredRound? t_collecting;

    private readonly Lock _reliefGate = new();
    private Timer? _reliefTimer;
    private volatile bool _reliefTicking;
    // The watch's last look (under _reliefGate).
    private ReactorLoopRun? _seenRun;
    private long _seenStarted;
    private long _reliefs;

    /// <summary>The thread running the loop now (for tests: relieved threads are not it).</summary>
    internal Thread LoopThread => Volatile.Read(ref _current).Thread;

    /// <summary>How many times this reactor's loop moved to a new thread because deferred work was stuck.</summary>
    internal long ReliefCount => Interlocked.Read(ref _reliefs);

    /// <summary>
    /// On a reactor's thread while it dispatches a round of events (inside a handler), adds
    /// <paramref name="work"/> to run on that thread once every handler of the round has returned,
    /// and returns true. Elsewhere (a thread polling a channel, any other thread) returns false and
    /// does nothing: the caller queues the work itself. Work that blocks delays the reactor's events
    /// by one to two <see cref="ReliefPeriod"/>s, until a new thread takes the loop over.
    /// </summary>
    internal static bool TryDeferToRoundEnd(IThreadPoolWorkItem work)
    {
        var round = t_collecting;
        if (round is null) return false;
        round.Add(work);
        return true;
    }

    private ReactorLoopRun NewRun()
    {
        var run = new ReactorLoopRun();
        run.Thread = new Thread(() => Loop(run)) { IsBackground = true, Name = _name };
        return run;
    }

    // Runs the round's deferred work; false when the turn was relieved meanwhile (its thread must leave the loop).
    private bool RunDeferred(ReactorLoopRun run)
    {
        // A full fence between marking the phase and reading the flag: see LookForStuckLoop's stop.
        Interlocked.Exchange(ref run.Phase, ReactorLoopRun.RunningDeferred);
        if (!_reliefTicking) StartReliefWatch();
        run.Round.RunAll(ref run.Started);
        if (Interlocked.CompareExchange(ref run.Phase, ReactorLoopRun.Dispatching, ReactorLoopRun.RunningDeferred) != ReactorLoopRun.RunningDeferred)
            return false;
        run.Round.Reset();
        return true;
    }

    private void StartReliefWatch()
    {
        lock (_reliefGate)
        {
            if (_reliefTicking || _stopping) return;
            _reliefTimer ??= new Timer(static state => ((Reactor)state!).LookForStuckLoop(), this, Timeout.Infinite, Timeout.Infinite);
            _reliefTicking = true;
            _reliefTimer.Change(ReliefPeriod, ReliefPeriod);
        }
    }

    private void StopReliefWatch()
    {
        lock (_reliefGate)
        {
            _stopping = true;
            _reliefTicking = false;
            _reliefTimer?.Dispose();
        }
    }

    private void LookForStuckLoop()
    {
        lock (_reliefGate)
        {
            if (!_reliefTicking) return; // a tick that was already due when the watch stopped
            var run = Volatile.Read(ref _current);
            var started = Interlocked.Read(ref run.Started);
            var noProgress = ReferenceEquals(run, _seenRun) && started == _seenStarted;
            _seenRun = run;
            _seenStarted = started;
            if (!noProgress) return;
            if (Volatile.Read(ref run.Phase) == ReactorLoopRun.RunningDeferred)
            {
                Relieve(run);
                return;
            }
            // A whole period without deferred work: stop ticking. A round that began meanwhile marked
            // its phase before reading the flag, and this clears the flag before reading the phase:
            // one of the two sees the other.
            _reliefTicking = false;
            Interlocked.MemoryBarrier();
            if (Volatile.Read(ref run.Phase) == ReactorLoopRun.RunningDeferred)
            {
                _reliefTicking = true;
                return;
            }
            _reliefTimer!.Change(Timeout.Infinite, Timeout.Infinite);
        }
    }

    // Under _reliefGate. The new thread is started first and waits: if it cannot start, the stuck
    // turn keeps the loop and the next tick tries again.
    private void Relieve(ReactorLoopRun stuck)
    {
        var relief = NewRun();
        relief.Release = new ManualResetEventSlim(false);
        try
        {
            relief.Thread.UnsafeStart();
        }
        catch (Exception error) when (error is OutOfMemoryException or ThreadStartException)
        {
            relief.Release.Dispose();
            Trace.TraceError($"umh reactor: deferred work has been stuck for {ReliefPeriod.TotalMilliseconds:F0} ms and no thread could be started to relieve it: {error.Message}");
            return;
        }
        if (Interlocked.CompareExchange(ref stuck.Phase, ReactorLoopRun.Relieved, ReactorLoopRun.RunningDeferred) != ReactorLoopRun.RunningDeferred)
        {
            // It finished its item just now and goes on dispatching.
            relief.Abandoned = true;
            relief.Release.Set();
            return;
        }
        Interlocked.Increment(ref _reliefs);
        Volatile.Write(ref _current, relief);
        // What the stuck round had not started runs on the pool; its stuck item stays with its thread.
        ThreadPool.UnsafeQueueUserWorkItem(stuck.Round, preferLocal: false);
        relief.Release.Set();
    }
}
