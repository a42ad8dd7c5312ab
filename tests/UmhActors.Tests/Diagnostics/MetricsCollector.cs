using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace UmhActors.Tests.Diagnostics;

/// <summary>The real OpenTelemetry SDK listening to the <c>UmhActors</c> meter, exporting to memory
/// on demand. Tests run in parallel against the same meter, so every read filters on the
/// <c>helper</c> tag, which each test makes unique.</summary>
internal sealed class MetricsCollector : IDisposable
{
    private readonly List<MetricSnapshot> _exported = new();
    private readonly MeterProvider _provider;

    public MetricsCollector()
    {
        // The documented meter name, spelled out: UmhMetrics is internal, and UmhActors.Hosting.Tests links this file.
        _provider = Sdk.CreateMeterProviderBuilder().AddMeter("UmhActors").AddInMemoryExporter(_exported).Build()!;
    }

    /// <summary>Points of <paramref name="instrument"/> whose tags include every pair of <paramref name="tags"/>.</summary>
    public List<MetricPoint> Points(string instrument, params (string Key, string Value)[] tags)
    {
        lock (_exported)
        {
            _exported.Clear();
            _provider.ForceFlush();
            var points = new List<MetricPoint>();
            foreach (var metric in _exported.Where(m => m.Name == instrument))
            {
                foreach (var point in metric.MetricPoints)
                {
                    var pointTags = new Dictionary<string, object?>();
                    foreach (var tag in point.Tags) pointTags[tag.Key] = tag.Value;
                    if (tags.All(t => pointTags.TryGetValue(t.Key, out var v) && Equals(v, t.Value))) points.Add(point);
                }
            }
            return points;
        }
    }

    /// <summary>The sum of a counter (or up-down counter) over the matching points.</summary>
    public long Sum(string instrument, params (string Key, string Value)[] tags) =>
        Points(instrument, tags).Sum(p => p.GetSumLong());

    /// <summary>How many values a histogram recorded over the matching points.</summary>
    public long Count(string instrument, params (string Key, string Value)[] tags) =>
        Points(instrument, tags).Sum(p => p.GetHistogramCount());

    public string Dump(string instrument) => string.Join("; ", Points(instrument).Select(p =>
    {
        var tags = new List<string>();
        foreach (var tag in p.Tags) tags.Add($"{tag.Key}={tag.Value}");
        return string.Join(",", tags);
    }));

    public void Dispose() => _provider.Dispose();
}
