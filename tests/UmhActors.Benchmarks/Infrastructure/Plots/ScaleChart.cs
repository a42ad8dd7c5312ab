using System.Text.Json.Nodes;
using ScottPlot;

namespace UmhActors.Benchmarks.Infrastructure.Plots;

/// <summary>The scale suite's time to start every helper against how many were started.</summary>
internal static class ScaleChart
{
    /// <summary>(helpers, start_all_ms) pairs: one per row carrying both metrics (a suite run over
    /// several counts), else the single pair of the <c>helpers</c> and <c>start_all_ms</c> rows.</summary>
    public static IReadOnlyList<(double Helpers, double StartMs)> Points(IReadOnlyList<JsonObject> rows)
    {
        var perCount = rows.Where(r => r.ContainsKey("helpers") && r.ContainsKey("start_all_ms"))
            .Select(r => ((double)r["helpers"]!, (double)r["start_all_ms"]!)).ToList();
        if (perCount.Count > 0) return perCount.OrderBy(p => p.Item1).ToList();
        double? Value(string name) => rows.FirstOrDefault(r => (string)r["name"]! == name)?["value"] is { } v ? (double)v : null;
        return Value("helpers") is { } helpers && Value("start_all_ms") is { } ms ? [(helpers, ms)] : [];
    }

    public static string Write(string path, IReadOnlyList<(double Helpers, double StartMs)> points)
    {
        var plot = new Plot();
        var scatter = plot.Add.Scatter(points.Select(p => p.Helpers).ToArray(), points.Select(p => p.StartMs).ToArray());
        scatter.MarkerSize = 8;
        scatter.LegendText = "start_all_ms";
        foreach (var (helpers, ms) in points)
            plot.Add.Text($"{ms:0} ms", helpers, ms).LabelFontSize = 10;
        plot.Axes.SetLimitsX(0, points.Max(p => p.Helpers) * 1.1);
        plot.Axes.SetLimitsY(0, points.Max(p => p.StartMs) * 1.2);
        plot.Title("scale: time until every helper has answered");
        plot.XLabel("helpers started at once");
        plot.YLabel("ms");
        plot.SavePng(path, 700, 420);
        return path;
    }
}
