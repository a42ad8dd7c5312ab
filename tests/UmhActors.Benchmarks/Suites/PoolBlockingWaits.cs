using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Tracing;

namespace UmhActors.Benchmarks.Suites;

/// <summary>
/// Where thread-pool threads block in a synchronous wait on an unfinished task (<c>Task.Wait</c>,
/// <c>.Result</c>, <c>GetAwaiter().GetResult()</c>): the waits that make the pool inject threads for
/// <c>CooperativeBlocking</c>. The TPL's own <c>TaskWaitBegin</c> event (synchronous behaviour) is
/// written on the waiting thread, so the listener sees the waiter's stack; counted by stack since the
/// last <see cref="Reset"/>. Costly (every task then writes events): the scale suite turns it on only
/// with <c>UMH_SCALE_WAIT_STACKS</c> set.
/// </summary>
internal sealed class PoolBlockingWaits : EventListener
{
    private const int TaskWaitBeginId = 10;
    private const int SynchronousWait = 1;

    private readonly ConcurrentDictionary<string, int> _byStack = new();

    public void Reset() => _byStack.Clear();

    /// <summary>The waits since the last <see cref="Reset"/>, most frequent stack first.</summary>
    public string Summary() => _byStack.IsEmpty
        ? "none"
        : string.Join(Environment.NewLine, _byStack.OrderByDescending(p => p.Value).Take(8).Select(p => $"          x{p.Value}:{Environment.NewLine}{p.Key}"));

    protected override void OnEventSourceCreated(EventSource source)
    {
        // TaskTransfer | Tasks: the keywords TaskWaitBegin is written under.
        if (source.Name == "System.Threading.Tasks.TplEventSource") EnableEvents(source, EventLevel.Informational, (EventKeywords)0x3);
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        if (e.EventId != TaskWaitBeginId || !Thread.CurrentThread.IsThreadPoolThread || e.Payload is not { } payload || e.PayloadNames is not { } names) return;
        if (Convert.ToInt32(payload[names.IndexOf("Behavior")]) != SynchronousWait) return;
        // The waiter's frames only: skip this listener's and the event source's.
        var frames = new StackTrace(skipFrames: 1, fNeedFileInfo: false).GetFrames()
            .Select(f => f.GetMethod())
            .Where(m => m?.DeclaringType is { } type && !type.FullName!.StartsWith("System.Diagnostics.Tracing", StringComparison.Ordinal)
                && type.FullName != "System.Threading.Tasks.TplEventSource" && type != typeof(PoolBlockingWaits))
            .Take(14)
            .Select(m => $"            {m!.DeclaringType!.FullName}.{m.Name}");
        _byStack.AddOrUpdate(string.Join(Environment.NewLine, frames), 1, (_, n) => n + 1);
    }
}
