using System.Text.Json.Nodes;
using ScottPlot;

namespace UmhActors.Benchmarks.Infrastructure.Plots;

/// <summary>The chaos suite's per-second timeline: answers per second (line, left axis) and
/// restarts per second (bars, right axis).</summary>
internal static class ChaosTimelineChart
{
    public static string Write(string path, JsonArray timeline)
    {
        var seconds = timeline.Select(s => (double)s!["second"]!).ToArray();
        var answered = timeline.Select(s => (double)s!["answered"]!).ToArray();
        var restarts = timeline.Select(s => (double)s!["restarts"]!).ToArray();

        var plot = new Plot();
        var bars = plot.Add.Bars(seconds, restarts);
        bars.Color = Colors.IndianRed.WithAlpha(0.6);
        bars.LegendText = "restarts/s";
        bars.Axes.YAxis = plot.Axes.Right;
        var line = plot.Add.Scatter(seconds, answered);
        line.Color = Colors.SteelBlue;
        line.MarkerSize = 0;
        line.LineWidth = 2;
        line.LegendText = "answers/s";
        plot.Axes.Left.Label.Text = "answers per second";
        plot.Axes.Right.Label.Text = "restarts per second";
        plot.Axes.SetLimitsY(0, Math.Max(1, answered.Max()) * 1.1, plot.Axes.Left);
        plot.Axes.SetLimitsY(0, Math.Max(1, restarts.Max()) * 1.5, plot.Axes.Right);
        plot.XLabel("second of the run");
        plot.Title("chaos: answers and restarts over time");
        plot.ShowLegend(Alignment.LowerLeft);
        plot.SavePng(path, 900, 420);
        return path;
    }
}
