namespace UmhActors.Helpers;

/// <summary>
/// The deadlines of <see cref="LocalReply"/> waits: each reply with a timeout is linked into one of a
/// few striped lists while it waits and unlinked as soon as it is answered; one timer sweeps the lists
/// every <see cref="SweepInterval"/> and expires the replies past their deadline. No timer, token
/// source or registration per call, and an answered reply is not kept alive by its deadline.
/// </summary>
/// <remarks>
/// <para>A reply's deadline is its request's timeout plus seconds of grace (the actor fails the
/// request itself at its timeout), so a sweep that runs up to one interval late costs nothing a caller
/// would notice; it never fires early. The timer runs only while some reply waits.</para>
/// <para>Measured before (2026-11-25) for the per-thread reused <c>CancellationTokenSource</c> this
/// replaced: its <c>CancelAfter</c>, registration, unregistration and reset took about 5 % of the CPU
/// of the pipelined benchmark; a sweep that did not unlink answered replies promoted them to gen 1.</para>
/// </remarks>
internal static class ReplyDeadlines
{
    /// <summary>How often waiting replies are checked (so how late a deadline may fire).</summary>
    internal static readonly TimeSpan SweepInterval = TimeSpan.FromMilliseconds(50);

    private static readonly Stripe[] s_stripes = CreateStripes();
    private static readonly Timer s_timer = CreateTimer();
    private static int s_armed;

    private sealed class Stripe
    {
        public readonly Lock Gate = new();
        public LocalReply? Head;
        public LocalReply? Tail;
        public int Count;
    }

    private static Stripe[] CreateStripes()
    {
        var stripes = new Stripe[(int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Clamp(Environment.ProcessorCount, 2, 64))];
        for (var i = 0; i < stripes.Length; i++) stripes[i] = new Stripe();
        return stripes;
    }

    private static Timer CreateTimer()
    {
        // A library timer must not keep the first caller's execution context (its AsyncLocals) alive.
        using (ExecutionContext.SuppressFlow())
            return new Timer(static _ => Sweep(), null, System.Threading.Timeout.Infinite, System.Threading.Timeout.Infinite);
    }

    /// <summary>The number of replies waiting (for tests).</summary>
    internal static int Waiting
    {
        get
        {
            var count = 0;
            foreach (var stripe in s_stripes) count += Volatile.Read(ref stripe.Count);
            return count;
        }
    }

    // Deadlines are read on the coarse clock (Environment.TickCount64: a few ns, where a precise
    // timestamp cost about 20 ns per call here); its ticks may lag by up to a jiffy, so a deadline
    // gets that much more and never fires early.
    private const long CoarseClockMarginMs = 16;

    /// <summary>Starts <paramref name="reply"/>'s deadline, <paramref name="timeout"/> from now.</summary>
    public static void Add(LocalReply reply, TimeSpan timeout)
    {
        reply.DeadlineTimestamp = Environment.TickCount64 + (long)Math.Ceiling(timeout.TotalMilliseconds) + CoarseClockMarginMs;
        var index = Environment.CurrentManagedThreadId & (s_stripes.Length - 1);
        var stripe = s_stripes[index];
        lock (stripe.Gate)
        {
            reply.DeadlineStripe = index;
            reply.DeadlinePrevious = stripe.Tail;
            reply.DeadlineNext = null;
            if (stripe.Tail is { } tail) tail.DeadlineNext = reply;
            else stripe.Head = reply;
            stripe.Tail = reply;
            Volatile.Write(ref stripe.Count, stripe.Count + 1);
        }
        // The sweep disarms and then looks for waiting replies; this links and then looks at the
        // flag: with a full fence between on both sides, one of them sees the other.
        Interlocked.MemoryBarrier();
        if (Volatile.Read(ref s_armed) == 0) Arm();
    }

    /// <summary>Stops <paramref name="reply"/>'s deadline; nothing if it already expired or was removed.</summary>
    public static void Remove(LocalReply reply)
    {
        var index = Volatile.Read(ref reply.DeadlineStripe);
        if (index < 0) return;
        var stripe = s_stripes[index];
        lock (stripe.Gate)
        {
            if (reply.DeadlineStripe < 0) return; // expired meanwhile
            Unlink(stripe, reply);
        }
    }

    /// <summary>Stops the deadlines of <paramref name="replies"/> that still have one, in one pass,
    /// keeping a stripe's lock across consecutive replies of that stripe (a caller's replies share its
    /// stripe, so a batch takes few locks rather than one per reply).</summary>
    public static void RemoveAll(ReadOnlySpan<LocalReply> replies)
    {
        Stripe? held = null;
        try
        {
            foreach (var reply in replies)
            {
                var index = Volatile.Read(ref reply.DeadlineStripe);
                if (index < 0) continue;
                var stripe = s_stripes[index];
                if (!ReferenceEquals(stripe, held))
                {
                    held?.Gate.Exit();
                    held = null;
                    stripe.Gate.Enter();
                    held = stripe;
                }
                if (reply.DeadlineStripe == index) Unlink(stripe, reply); // else expired meanwhile
            }
        }
        finally
        {
            held?.Gate.Exit();
        }
    }

    private static void Unlink(Stripe stripe, LocalReply reply)
    {
        if (reply.DeadlinePrevious is { } previous) previous.DeadlineNext = reply.DeadlineNext;
        else stripe.Head = reply.DeadlineNext;
        if (reply.DeadlineNext is { } next) next.DeadlinePrevious = reply.DeadlinePrevious;
        else stripe.Tail = reply.DeadlinePrevious;
        reply.DeadlinePrevious = reply.DeadlineNext = null;
        Volatile.Write(ref reply.DeadlineStripe, -1);
        Volatile.Write(ref stripe.Count, stripe.Count - 1);
    }

    private static void Arm()
    {
        if (Interlocked.CompareExchange(ref s_armed, 1, 0) == 0) s_timer.Change(SweepInterval, System.Threading.Timeout.InfiniteTimeSpan);
    }

    private static void Sweep()
    {
        var now = Environment.TickCount64;
        List<LocalReply>? expired = null;
        foreach (var stripe in s_stripes)
        {
            if (Volatile.Read(ref stripe.Count) == 0) continue;
            lock (stripe.Gate)
            {
                for (var reply = stripe.Head; reply is not null;)
                {
                    var next = reply.DeadlineNext;
                    if (reply.DeadlineTimestamp <= now)
                    {
                        Unlink(stripe, reply);
                        (expired ??= []).Add(reply);
                    }
                    reply = next;
                }
            }
        }
        // Outside the locks: expiring tells the actor and queues the caller's completion.
        if (expired is not null)
            foreach (var reply in expired) reply.Expire();
        Volatile.Write(ref s_armed, 0);
        Interlocked.MemoryBarrier();
        if (Waiting > 0) Arm();
    }
}
