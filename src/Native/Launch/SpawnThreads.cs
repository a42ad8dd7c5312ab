using System.Collections.Concurrent;

namespace UmhActors.Native.Launch;

/// <summary>
/// A small set of dedicated threads (one per CPU, at least two, at most sixteen) that run
/// launches. <c>posix_spawn</c> is vfork-based: the calling thread stays suspended until the child
/// has exec'd, which on a loaded machine takes milliseconds. Run on the thread pool, a mass start
/// would block the threads the actors need (to take permits, handle <c>$/hello</c>, answer) and
/// make the pool inject threads; here it blocks threads that do nothing else, as many at once as
/// the CPUs can run.
/// </summary>
internal static class SpawnThreads
{
    private static readonly BlockingCollection<Action> s_work = new(new ConcurrentQueue<Action>());
    private static readonly object s_gate = new();
    private static int s_started;

    /// <summary>How many threads run launches at most: one per CPU, at least two (so one slow spawn
    /// does not hold up the rest), at most sixteen. Two per CPU overlapped more spawns, but each took
    /// longer and the children competed for the same CPUs: on 2 CPUs, two threads started 1,000 and
    /// 4,000 helpers as fast as four, within the noise, with two threads fewer in the host
    /// (docs/benchmarks.md, "Host threads in a mass start").</summary>
    public static int Count { get; } = Math.Clamp(Environment.ProcessorCount, 2, 16);

    /// <summary>Threads started so far (they start on first use).</summary>
    internal static int Started => Volatile.Read(ref s_started);

    /// <summary>Starts the spawn threads ahead of the first launch (the ActorSystem extension does, at
    /// start): a thread the runtime cannot start for want of fds aborts the process instead of
    /// throwing, so they must not first be needed while fds run short.</summary>
    internal static void Prepare()
    {
        if (Volatile.Read(ref s_started) < Count) TryStartThreads();
    }

    /// <summary>Queues <paramref name="work"/> (which must not throw) for a spawn thread. When no
    /// spawn thread can be started (the runtime refused a new thread), runs it on the caller.</summary>
    public static void Run(Action work)
    {
        if (Volatile.Read(ref s_started) < Count && !TryStartThreads())
        {
            work();
            return;
        }
        s_work.Add(work);
    }

    // Started once, all together; a failure to start one (out of memory or fds for its stack or its
    // runtime pipe) is not remembered: the next launch tries again.
    private static bool TryStartThreads()
    {
        lock (s_gate)
        {
            while (s_started < Count)
            {
                try
                {
                    new Thread(Loop) { IsBackground = true, Name = $"umh-spawn-{s_started}" }.UnsafeStart();
                }
                catch (Exception e) when (e is OutOfMemoryException or ThreadStartException)
                {
                    return s_started > 0;
                }
                s_started++;
            }
            return true;
        }
    }

    private static void Loop()
    {
        foreach (var work in s_work.GetConsumingEnumerable()) work();
    }
}
