using System.Diagnostics;

namespace UmhActors.Benchmarks.Infrastructure;

/// <summary>
/// Pipelined throughput: windows of requests in flight, one after another. Shared by the suites
/// that compare pipelined variants (rtt, peers).
/// </summary>
internal static class PipelinedRuns
{
    /// <summary>Runs windows of <paramref name="windowSize"/> requests until <paramref name="total"/>
    /// were answered; returns requests per second.</summary>
    public static async Task<double> MeasureAsync(int total, int windowSize, Func<Task> window)
    {
        var start = Stopwatch.GetTimestamp();
        for (var sent = 0; sent < total; sent += windowSize) await window();
        return total / Stopwatch.GetElapsedTime(start).TotalSeconds;
    }

    /// <summary>
    /// Runs every variant's windows for <paramref name="each"/>, in turn, before anything is measured.
    /// The raw client is at full speed within a quarter of a second, but the actor path takes about two
    /// seconds of pipelined traffic before the JIT has given its hot methods their final code (tier 0,
    /// then an instrumented tier for dynamic PGO, then tier 1, compiled in the background while both
    /// vCPUs are busy): rounds measured cold report the JIT's warm-up, not the path's throughput.
    /// </summary>
    public static async Task WarmUpAsync(IEnumerable<Func<Task>> windows, TimeSpan each)
    {
        foreach (var window in windows)
        {
            var until = Stopwatch.GetTimestamp() + (long)(each.TotalSeconds * Stopwatch.Frequency);
            while (Stopwatch.GetTimestamp() < until) await window();
        }
    }
}
