using ScottPlot;

namespace UmhActors.Benchmarks.Infrastructure.Plots;

/// <summary>Tick marks for an axis whose values are log10 of the figures (ScottPlot 5 draws
/// log scales that way): a labelled tick at each power of ten, minor ticks between.</summary>
internal static class LogTicks
{
    public static ITickGenerator Generator() => new ScottPlot.TickGenerators.NumericAutomatic
    {
        MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
        IntegerTicksOnly = true,
        LabelFormatter = value => Math.Pow(10, value) switch
        {
            >= 1e6 => $"{Math.Pow(10, value) / 1e6:0.#}M",
            >= 1e3 => $"{Math.Pow(10, value) / 1e3:0.#}k",
            var v => $"{v:0.#}",
        },
    };
}
