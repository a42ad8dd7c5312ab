using System.Text.Json.Nodes;
using ScottPlot;

namespace UmhActors.Benchmarks.Infrastructure.Plots;

/// <summary>One bar per variant: its <c>per_s</c>, the figure printed on the bar.</summary>
internal static class ThroughputChart
{
    public static string Write(string path, string title, IReadOnlyList<JsonObject> rows, string axisLabel, bool logScale = false)
    {
        var plot = new Plot();
        var bars = rows.Select((r, i) =>
        {
            var perS = (double)r["per_s"]!;
            return new Bar
            {
                Position = i,
                Value = logScale ? Math.Log10(Math.Max(1, perS)) : perS,
                FillColor = IsLibrarys(Name(r)) ? Colors.SteelBlue : Colors.Gray,
                Label = perS >= 1e6 ? $"{perS / 1e6:0.00}M" : perS >= 1e3 ? $"{perS / 1e3:0.#}k" : $"{perS:0}",
            };
        }).ToList();
        plot.Add.Bars(bars);
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            rows.Select((_, i) => (double)i).ToArray(), rows.Select(Name).ToArray());
        plot.Axes.Bottom.MajorTickStyle.Length = 0;
        if (logScale) plot.Axes.Left.TickGenerator = LogTicks.Generator();
        plot.Axes.Margins(bottom: 0, top: 0.2);
        plot.Title(title);
        plot.YLabel(axisLabel);
        plot.SavePng(path, Math.Max(600, rows.Count * 170), 420);
        return path;
    }

    private static string Name(JsonObject row) => (string)row["name"]!;

    // The library's own variants (a helper actor, a helper pool) in blue, the baselines and peers in grey.
    private static bool IsLibrarys(string name) =>
        name.StartsWith("actor", StringComparison.Ordinal) || name.StartsWith("pool", StringComparison.Ordinal);
}
