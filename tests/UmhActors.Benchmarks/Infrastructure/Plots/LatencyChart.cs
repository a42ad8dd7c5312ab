using System.Text.Json.Nodes;
using ScottPlot;

namespace UmhActors.Benchmarks.Infrastructure.Plots;

/// <summary>Latency distribution per variant: p50, p90, p99 and p99.9 side by side.</summary>
internal static class LatencyChart
{
    private static readonly (string Key, string Label, Color Color)[] Percentiles =
    [
        ("p50_us", "p50", Colors.SteelBlue),
        ("p90_us", "p90", Colors.MediumSeaGreen),
        ("p99_us", "p99", Colors.Orange),
        ("p99_9_us", "p99.9", Colors.IndianRed),
    ];

    public static string Write(string path, string title, IReadOnlyList<JsonObject> rows)
    {
        var plot = new Plot();
        var bars = new List<Bar>();
        for (var v = 0; v < rows.Count; v++)
        {
            for (var p = 0; p < Percentiles.Length; p++)
            {
                var (key, _, color) = Percentiles[p];
                // Log scale: microseconds to milliseconds share one chart.
                bars.Add(new Bar
                {
                    Position = v * (Percentiles.Length + 1) + p,
                    Value = Math.Log10(Math.Max(1, (double)rows[v][key]!)),
                    ValueBase = 0,
                    FillColor = color,
                    Label = Format((double)rows[v][key]!),
                });
            }
        }
        var barPlot = plot.Add.Bars(bars);
        barPlot.ValueLabelStyle.FontSize = 9;
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            rows.Select((_, v) => v * (Percentiles.Length + 1) + (Percentiles.Length - 1) / 2.0).ToArray(),
            rows.Select(r => (string)r["name"]!).ToArray());
        plot.Axes.Bottom.MajorTickStyle.Length = 0;
        plot.Axes.Left.TickGenerator = LogTicks.Generator();
        plot.Axes.Margins(bottom: 0, top: 0.2);
        foreach (var (_, label, color) in Percentiles)
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = label, FillColor = color });
        plot.Legend.Orientation = Orientation.Horizontal;
        plot.Legend.Alignment = Alignment.UpperLeft;
        plot.ShowLegend();
        plot.Title(title);
        plot.YLabel("µs (log scale)");
        plot.SavePng(path, Math.Max(700, rows.Count * 160), 480);
        return path;
    }

    private static string Format(double us) => us >= 1000 ? $"{us / 1000:0.#}ms" : $"{us:0.#}";
}
