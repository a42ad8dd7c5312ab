namespace UmhActors.Benchmarks.Infrastructure;

/// <summary>Folds the results of repeated runs of one suite (<c>--runs N</c>) into one result per variant: every
/// metric is the median of that metric over the runs that reported it. Ratios a suite reports (for example
/// <c>actor/raw</c>) are medians of the per-run ratios, each measured within one run, as the issues ask.</summary>
internal static class RunMedians
{
    public static IReadOnlyList<BenchmarkResult> Of(IReadOnlyList<IReadOnlyList<BenchmarkResult>> runs)
    {
        if (runs.Count == 1) return runs[0];
        var names = runs.SelectMany(run => run.Select(r => r.Name)).Distinct().ToList();
        return names.Select(name =>
        {
            var rows = runs.SelectMany(run => run.Where(r => r.Name == name)).ToList();
            var metrics = rows.SelectMany(r => r.Metrics.Keys).Distinct().ToDictionary(
                metric => metric,
                metric => Median(rows.Where(r => r.Metrics.ContainsKey(metric)).Select(r => r[metric]).ToList()));
            metrics["runs"] = rows.Count;
            return new BenchmarkResult(name, metrics);
        }).ToList();
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        var middle = values.Count / 2;
        return values.Count % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
    }
}
