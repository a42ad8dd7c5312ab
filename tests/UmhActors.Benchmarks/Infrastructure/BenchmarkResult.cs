namespace UmhActors.Benchmarks.Infrastructure;

/// <summary>One variant's figures. Metric names are the JSON keys (<c>p50_us</c>, <c>p90_us</c>, <c>p99_us</c>, <c>p99_9_us</c>,
/// <c>n</c>, <c>per_s</c>, <c>mb_per_s</c>, <c>value</c>).</summary>
internal sealed record BenchmarkResult(string Name, IReadOnlyDictionary<string, double> Metrics)
{
    /// <summary>A latency result from raw samples in microseconds.</summary>
    public static BenchmarkResult Latency(string name, IReadOnlyList<double> samplesUs) => new(name, new Dictionary<string, double>
    {
        ["p50_us"] = Percentiles.Of(samplesUs, 50),
        ["p90_us"] = Percentiles.Of(samplesUs, 90),
        ["p99_us"] = Percentiles.Of(samplesUs, 99),
        ["p99_9_us"] = Percentiles.Of(samplesUs, 99.9),
        ["n"] = samplesUs.Count,
    });

    /// <summary>A throughput result.</summary>
    public static BenchmarkResult Throughput(string name, double perSecond, int n) => new(name, new Dictionary<string, double>
    {
        ["per_s"] = perSecond,
        ["n"] = n,
    });

    /// <summary>A single measured value (thread count, RSS, a duration).</summary>
    public static BenchmarkResult Value(string name, double value) => new(name, new Dictionary<string, double> { ["value"] = value });

    public double this[string metric] => Metrics[metric];
}
