using System.Text.Json.Nodes;
using ScottPlot;

namespace UmhActors.Benchmarks.Infrastructure.Plots;

/// <summary>The scale suite's time to start every helper against how many were started, with the
/// bound <c>N × raw launch p50 ÷ CPU count</c> of the same run when the suite reported it.</summary>
internal static class ScaleChart
{
    /// <summary>One point per count.</summary>
    public sealed record Point(double Helpers, double StartMs, double? BoundMs);

    /// <summary>One point per row carrying both <c>helpers</c> and <c>start_all_ms</c> (a suite run
    /// over several counts), else the single pair of the <c>helpers</c> and <c>start_all_ms</c> rows
    /// (JSON written before the suite reported per count).</summary>
    public static IReadOnlyList<Point> Points(IReadOnlyList<JsonObject> rows)
    {
        var perCount = rows.Where(r => r.ContainsKey("helpers") && r.ContainsKey("start_all_ms"))
            .Select(r => new Point((double)r["helpers"]!, (double)r["start_all_ms"]!, r["bound_ms"] is { } b ? (double)b : null)).ToList();
        if (perCount.Count > 0) return perCount.OrderBy(p => p.Helpers).ToList();
        double? Value(string name) => rows.FirstOrDefault(r => (string)r["name"]! == name)?["value"] is { } v ? (double)v : null;
        return Value("helpers") is { } helpers && Value("start_all_ms") is { } ms ? [new Point(helpers, ms, null)] : [];
    }

    public static string Write(string path, IReadOnlyList<Point> points)
    {
        var plot = new Plot();
        var xs = points.Select(p => p.Helpers).ToArray();
        var scatter = plot.Add.Scatter(xs, points.Select(p => p.StartMs).ToArray());
        scatter.MarkerSize = 8;
        scatter.LegendText = "start_all_ms (every helper answered)";
        foreach (var point in points)
            plot.Add.Text($"{point.StartMs:0} ms", point.Helpers, point.StartMs).LabelFontSize = 10;
        var top = points.Max(p => p.StartMs);
        if (points.All(p => p.BoundMs is not null))
        {
            var bound = plot.Add.Scatter(xs, points.Select(p => p.BoundMs!.Value).ToArray());
            bound.LinePattern = LinePattern.Dashed;
            bound.MarkerSize = 4;
            bound.LegendText = "bound: N × raw launch p50 ÷ CPUs";
            var target = plot.Add.Scatter(xs, points.Select(p => 1.5 * p.BoundMs!.Value).ToArray());
            target.LinePattern = LinePattern.Dotted;
            target.MarkerSize = 0;
            target.LegendText = "target: 1.5 × bound";
            top = Math.Max(top, points.Max(p => 1.5 * p.BoundMs!.Value));
        }
        plot.ShowLegend(Alignment.UpperLeft);
        plot.Axes.SetLimitsX(0, points.Max(p => p.Helpers) * 1.1);
        plot.Axes.SetLimitsY(0, top * 1.2);
        plot.Title("scale: time until every helper has answered");
        plot.XLabel("helpers started at once");
        plot.YLabel("ms");
        plot.SavePng(path, 700, 420);
        return path;
    }
}
