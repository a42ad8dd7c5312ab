using System.Collections.Concurrent;
using System.Diagnostics.Tracing;

namespace UmhActors.Benchmarks.Infrastructure;

/// <summary>
/// Samples the runtime's allocations by type (an AllocationTick event roughly every 100 KB
/// allocated), to say which objects a path allocates per request: for the rtt profile mode
/// (<c>RTT_ALLOCS=1</c>). The shares are of the samples, which follow bytes, not object counts.
/// </summary>
internal sealed class AllocationSampleListener : EventListener
{
    // GCKeyword of Microsoft-Windows-DotNETRuntime; AllocationTick is at Verbose level.
    private const EventKeywords GcKeyword = (EventKeywords)0x1;

    private readonly ConcurrentDictionary<string, int> _samples = new();

    protected override void OnEventSourceCreated(EventSource source)
    {
        if (source.Name == "Microsoft-Windows-DotNETRuntime") EnableEvents(source, EventLevel.Verbose, GcKeyword);
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        if (e.EventName?.StartsWith("GCAllocationTick", StringComparison.Ordinal) != true || e.Payload is null) return;
        var index = e.PayloadNames?.IndexOf("TypeName") ?? -1;
        var type = index >= 0 ? e.Payload[index] as string ?? "?" : "?";
        _samples.AddOrUpdate(type, 1, (_, n) => n + 1);
    }

    /// <summary>The <paramref name="top"/> types by share of the samples.</summary>
    public string Top(int top)
    {
        var total = _samples.Values.Sum();
        return string.Join("\n", _samples.OrderByDescending(s => s.Value).Take(top)
            .Select(s => $"    {100.0 * s.Value / Math.Max(1, total),5:F1} %  {s.Key}"));
    }
}
