using System.Collections.Concurrent;
using System.Diagnostics.Tracing;

namespace UmhActors.Benchmarks.Suites;

/// <summary>
/// Why the thread pool changed its worker count while a mass start or stop ran: the runtime's
/// <c>ThreadPoolWorkerThreadAdjustmentAdjustment</c> events (keyword Threading), counted by reason
/// (<c>Starvation</c>: queued work made no progress for a while, from blocked workers or from a
/// machine too busy to run them; <c>CooperativeBlocking</c>: a worker blocked in a sync-over-async
/// wait; <c>ClimbingMove</c> and the like: hill climbing trying a count for throughput).
/// </summary>
internal sealed class ThreadPoolInjections : EventListener
{
    private static readonly string[] Reasons =
        ["Warmup", "Initializing", "RandomMove", "ClimbingMove", "ChangePoint", "Stabilizing", "Starvation", "ThreadTimedOut", "CooperativeBlocking"];

    private readonly ConcurrentDictionary<string, int> _byReason = new();
    private int _maxWorkers;
    // Runtime events reach a listener through EventPipe, up to a second or so late: those written
    // before the last Reset (ActorSystem start, warm-up) are not this phase's.
    private long _sinceTicks = DateTime.UtcNow.Ticks;

    /// <summary>Adjustments since the last <see cref="Reset"/>, by reason, and the highest worker count set.</summary>
    public string Summary() =>
        _byReason.IsEmpty ? "none" : string.Join(", ", _byReason.OrderBy(p => p.Key).Select(p => $"{p.Key} x{p.Value}")) + $"; up to {Volatile.Read(ref _maxWorkers)} workers";

    public void Reset()
    {
        Volatile.Write(ref _sinceTicks, DateTime.UtcNow.Ticks);
        _byReason.Clear();
        Volatile.Write(ref _maxWorkers, 0);
    }

    protected override void OnEventSourceCreated(EventSource source)
    {
        if (source.Name == "Microsoft-Windows-DotNETRuntime") EnableEvents(source, EventLevel.Informational, (EventKeywords)0x10000);
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        if (e.EventName != "ThreadPoolWorkerThreadAdjustmentAdjustment" || e.Payload is not { } payload || e.PayloadNames is not { } names) return;
        if (e.TimeStamp.ToUniversalTime().Ticks < Volatile.Read(ref _sinceTicks)) return;
        var reason = Convert.ToInt32(payload[names.IndexOf("Reason")]);
        var workers = Convert.ToInt32(payload[names.IndexOf("NewWorkerThreadCount")]);
        var name = reason >= 0 && reason < Reasons.Length ? Reasons[reason] : reason.ToString();
        _byReason.AddOrUpdate(name, 1, (_, n) => n + 1);
        int seen;
        while (workers > (seen = Volatile.Read(ref _maxWorkers)) && Interlocked.CompareExchange(ref _maxWorkers, workers, seen) != seen) { }
    }
}
