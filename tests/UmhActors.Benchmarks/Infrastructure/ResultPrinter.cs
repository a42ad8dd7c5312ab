using System.Globalization;
using System.Text.Json;

namespace UmhActors.Benchmarks.Infrastructure;

/// <summary>Prints a suite's results as a table and writes the JSON shape
/// <c>{"suite":"launch","results":[{"name":"library","p50_us":…},…]}</c>.</summary>
internal static class ResultPrinter
{
    public static void Print(string suite, IReadOnlyList<BenchmarkResult> results)
    {
        Console.WriteLine($"suite {suite}");
        foreach (var r in results)
            Console.WriteLine($"  {r.Name,-20} " + string.Join("  ", r.Metrics.Select(m => $"{m.Key}={m.Value.ToString("0.##", CultureInfo.InvariantCulture)}")));
    }

    /// <summary>Writes the results; with <paramref name="runs"/> (from <c>--runs N</c>) the results are the medians
    /// and each run is kept under <c>"runs"</c>.</summary>
    public static void WriteJson(string path, string suite, IReadOnlyList<BenchmarkResult> results,
        IReadOnlyList<IReadOnlyList<BenchmarkResult>>? runs = null)
    {
        var document = new Dictionary<string, object>
        {
            ["suite"] = suite,
            ["results"] = Rows(results),
        };
        if (runs is not null) document["runs"] = runs.Select(Rows).ToList();
        File.WriteAllText(path, JsonSerializer.Serialize(document, new JsonSerializerOptions { WriteIndented = true }) + "\n");
    }

    private static List<Dictionary<string, object>> Rows(IReadOnlyList<BenchmarkResult> results) => results.Select(r =>
    {
        var row = new Dictionary<string, object> { ["name"] = r.Name };
        foreach (var (k, v) in r.Metrics) row[k] = Math.Round(v, 3);
        return row;
    }).ToList();
}
