using System.Diagnostics;
using System.Numerics;

namespace UmhActors.Helpers;

/// <summary>
/// The deadlines of <see cref="LocalReply"/> waits, kept without a timer per call: replies are added
/// to one of a few striped lists (by thread, so concurrent callers rarely share a lock), and one
/// shared timer sweeps them every <see cref="SweepInterval"/>, dropping the answered ones and failing
/// the expired ones. A wait therefore ends at most one interval after its deadline.
/// </summary>
internal static class LocalReplyDeadlines
{
    /// <summary>How often the deadlines are checked: the lateness a timed-out wait may have.</summary>
    public static readonly TimeSpan SweepInterval = TimeSpan.FromMilliseconds(50);

    private static readonly List<LocalReply>[] Stripes = CreateStripes();
    private static readonly Timer Sweeper = CreateSweeper();
    private static int _sweeping;

    /// <summary>The <see cref="Stopwatch"/> timestamp <paramref name="timeout"/> from now.</summary>
    public static long DeadlineAfter(TimeSpan timeout) =>
        Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);

    /// <summary>Watches <paramref name="reply"/>, to be failed once its
    /// <see cref="LocalReply.DeadlineTimestamp"/> has passed without an answer.</summary>
    public static void Add(LocalReply reply)
    {
        GC.KeepAlive(Sweeper); // the static initialiser started it
        var stripe = Stripes[Environment.CurrentManagedThreadId & (Stripes.Length - 1)];
        lock (stripe) stripe.Add(reply);
    }

    private static List<LocalReply>[] CreateStripes()
    {
        var count = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(2, Environment.ProcessorCount * 2));
        var stripes = new List<LocalReply>[count];
        for (var i = 0; i < count; i++) stripes[i] = [];
        return stripes;
    }

    private static Timer CreateSweeper()
    {
        // No caller's ExecutionContext (AsyncLocals, activity) should live on in the shared timer.
        using (ExecutionContext.SuppressFlow())
            return new Timer(static _ => Sweep(), null, SweepInterval, SweepInterval);
    }

    private static void Sweep()
    {
        if (Interlocked.Exchange(ref _sweeping, 1) == 1) return; // the previous sweep still runs
        try
        {
            var now = Stopwatch.GetTimestamp();
            foreach (var stripe in Stripes)
            {
                lock (stripe)
                {
                    var kept = 0;
                    for (var i = 0; i < stripe.Count; i++)
                    {
                        var reply = stripe[i];
                        if (reply.IsCompleted) continue;
                        if (reply.DeadlineTimestamp <= now)
                        {
                            reply.Expire(); // its continuation runs on the pool, not under this lock
                            continue;
                        }
                        stripe[kept++] = reply;
                    }
                    stripe.RemoveRange(kept, stripe.Count - kept);
                }
            }
        }
        finally
        {
            Volatile.Write(ref _sweeping, 0);
        }
    }
}
