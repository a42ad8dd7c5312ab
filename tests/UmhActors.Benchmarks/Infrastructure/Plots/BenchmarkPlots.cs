using System.Text.Json.Nodes;

namespace UmhActors.Benchmarks.Infrastructure.Plots;

/// <summary>
/// <c>--plots DIR</c>: PNG charts drawn from a suite's JSON document (the file <c>--json</c> wrote),
/// so a chart can be redrawn from a kept JSON without running the suite again.
/// </summary>
internal static class BenchmarkPlots
{
    /// <summary>Writes the charts for the suite named in <paramref name="jsonPath"/> into
    /// <paramref name="directory"/> and returns their paths (none for a suite without charts).</summary>
    public static IReadOnlyList<string> Write(string directory, string jsonPath)
    {
        Directory.CreateDirectory(directory);
        var document = JsonNode.Parse(File.ReadAllText(jsonPath))!.AsObject();
        var suite = (string)document["suite"]!;
        var rows = document["results"]!.AsArray().Select(r => r!.AsObject()).ToList();
        var written = new List<string>();

        string PathOf(string chart) => Path.Combine(directory, $"{suite}-{chart}.png");

        // Latency distributions: every row that carries the full set of percentiles.
        var latency = rows.Where(r => r.ContainsKey("p99_9_us")).ToList();
        if (latency.Count > 0)
            written.Add(LatencyChart.Write(PathOf("latency"), $"{suite}: latency per variant (µs)", latency));

        // Throughput: pipelined requests/s apart from calls/s of one call at a time, whose scale is
        // three orders of magnitude lower.
        var perSecond = rows.Where(r => r.ContainsKey("per_s")).ToList();
        var calls = perSecond.Where(r => ((string)r["name"]!).EndsWith("_call", StringComparison.Ordinal)).ToList();
        var throughput = perSecond.Except(calls).ToList();
        // chaos: one overall rate; its timeline chart shows the rate second by second.
        if (throughput.Count > 0 && suite != "chaos")
            written.Add(ThroughputChart.Write(PathOf("throughput"), $"{suite}: requests per second", throughput, "requests/s"));
        if (calls.Count > 0)
            written.Add(ThroughputChart.Write(PathOf("calls"), $"{suite}: calls per second, one call at a time", calls, "calls/s (log scale)", logScale: true));

        if (suite == "scale" && ScaleChart.Points(rows) is { Count: > 0 } points)
            written.Add(ScaleChart.Write(PathOf("start"), points));

        if (document["timeline"] is JsonArray timeline && timeline.Count > 0)
            written.Add(ChaosTimelineChart.Write(PathOf("timeline"), timeline));

        return written;
    }
}
