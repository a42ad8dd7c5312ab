using System.Collections.Concurrent;
using System.Diagnostics.Tracing;

namespace UmhActors.Benchmarks.Infrastructure;

/// <summary>
/// Counts the runtime's thread-pool events: worker threads started and stopped, and each change of
/// the pool's target thread count by its reason (hill climbing, starvation, cooperative blocking, …),
/// to say why pool threads come and go (each new thread gets a stack and a malloc arena).
/// </summary>
internal sealed class ThreadPoolChurnListener : EventListener
{
    // ThreadingKeyword of Microsoft-Windows-DotNETRuntime.
    private const EventKeywords ThreadingKeyword = (EventKeywords)0x10000;

    private static readonly string[] Reasons =
        ["warmup", "initializing", "random move", "climbing move", "change point", "stabilizing", "starvation", "thread timed out", "cooperative blocking"];

    private readonly ConcurrentDictionary<string, int> _counts = new();

    protected override void OnEventSourceCreated(EventSource source)
    {
        if (source.Name == "Microsoft-Windows-DotNETRuntime") EnableEvents(source, EventLevel.Informational, ThreadingKeyword);
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        var key = e.EventName switch
        {
            "ThreadPoolWorkerThreadStart" => "started",
            "ThreadPoolWorkerThreadStop" => "stopped",
            "ThreadPoolWorkerThreadAdjustmentAdjustment" => "adjust: " + Reason(e),
            _ => null,
        };
        if (key is not null) _counts.AddOrUpdate(key, 1, (_, n) => n + 1);
    }

    private static string Reason(EventWrittenEventArgs e)
    {
        var index = e.PayloadNames?.IndexOf("Reason") ?? -1;
        if (index < 0 || e.Payload is null) return "?";
        var reason = Convert.ToInt32(e.Payload[index]);
        return reason >= 0 && reason < Reasons.Length ? Reasons[reason] : reason.ToString();
    }

    public override string ToString() =>
        "pool threads: " + string.Join(", ", _counts.OrderBy(c => c.Key).Select(c => $"{c.Key} {c.Value}"));
}
