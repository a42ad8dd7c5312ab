using UmhActors.Benchmarks.Infrastructure;
using UmhActors.Benchmarks.Infrastructure.Plots;
using UmhActors.Benchmarks.Suites;

// Usage: dotnet run -c Release --project tests/UmhActors.Benchmarks -- SUITE [--quick] [--json FILE] [--plots DIR]
//        [--runs N] [--minutes N] [--launches N] (soak) [--seconds N | --minutes N] [--faults K,K] (chaos) [--counts 100,250,…] (scale)
//        [--no-heap-trim] [--no-mmap-threshold]
IBenchmarkSuite[] suites =
[
    new LaunchSuite(),
    new RttSuite(),
    new ScaleSuite(),
    new RestartSuite(),
    new CodecSuite(),
    new SoakSuite(),
    new ClusterSuite(),
    new ChaosSuite(),
    new PeersSuite(),
    new LeakSuite("launch"),
    new LeakSuite("restart"),
    new LeakSuite("requests"),
];

if (args.Length == 0 || args[0] is "-h" or "--help")
{
    Console.WriteLine("usage: UmhActors.Benchmarks SUITE [--quick] [--runs N] [--json FILE] [--plots DIR] [--minutes N | --seconds N] [--launches N] [--counts N,N,…] [--faults K,K] [--no-heap-trim] [--no-mmap-threshold]");
    Console.WriteLine("       --runs N runs the suite N times and reports the median of every figure (the JSON keeps each run)");
    Console.WriteLine("       UmhActors.Benchmarks plot FILE.json DIR   (redraws the charts of a kept JSON)");
    Console.WriteLine("suites: " + string.Join(", ", suites.Select(s => s.Name)));
    return args.Length == 0 ? 2 : 0;
}

// Redraws the charts of a kept JSON: plot FILE.json DIR.
if (args[0] == "plot")
{
    if (args.Length < 3)
    {
        Console.Error.WriteLine("usage: UmhActors.Benchmarks plot FILE.json DIR");
        return 2;
    }
    foreach (var chart in BenchmarkPlots.Write(args[2], args[1])) Console.WriteLine($"chart {chart}");
    return 0;
}

var suite = suites.FirstOrDefault(s => s.Name == args[0]);
if (suite is null)
{
    Console.Error.WriteLine($"unknown suite '{args[0]}'; suites: {string.Join(", ", suites.Select(s => s.Name))}");
    return 2;
}

var quick = args.Contains("--quick");
var jsonIndex = Array.IndexOf(args, "--json");
var jsonPath = jsonIndex >= 0 && jsonIndex + 1 < args.Length ? args[jsonIndex + 1] : null;
// Charts are drawn from the JSON: without --json it goes next to them.
var plotsDir = Value("--plots");
if (plotsDir is not null && jsonPath is null)
{
    Directory.CreateDirectory(plotsDir);
    jsonPath = Path.Combine(plotsDir, $"{suite.Name}.json");
}

var minutes = Value("--minutes") is { } m ? double.Parse(m, System.Globalization.CultureInfo.InvariantCulture)
    : Value("--seconds") is { } sec ? double.Parse(sec, System.Globalization.CultureInfo.InvariantCulture) / 60 : (double?)null;
var launches = Value("--launches") is { } l ? int.Parse(l, System.Globalization.CultureInfo.InvariantCulture) : (int?)null;

var faults = Value("--faults") is { } f ? f.Split(',', StringSplitOptions.RemoveEmptyEntries).ToHashSet() : null;

// A/B switch: the library's heap trim after helper exits (on by default) off for this run.
if (args.Contains("--no-heap-trim")) UmhActors.Native.Memory.NativeHeapTrim.Enabled = false;
// A/B switch: the mmap threshold the extension's start sets (on by default) off for this run.
if (args.Contains("--no-mmap-threshold")) UmhActors.Native.Memory.NativeMmapThreshold.Enabled = false;

var counts = Value("--counts") is { } c
    ? c.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(n => int.Parse(n, System.Globalization.CultureInfo.InvariantCulture)).ToArray()
    : null;

var runCount = Value("--runs") is { } r ? int.Parse(r, System.Globalization.CultureInfo.InvariantCulture) : 1;
var runs = new List<IReadOnlyList<BenchmarkResult>>();
for (var run = 1; run <= runCount; run++)
{
    runs.Add(await suite.RunAsync(new BenchmarkOptions(quick, minutes, launches, counts, faults)));
    if (runCount > 1) ResultPrinter.Print($"{suite.Name} (run {run} of {runCount})", runs[^1]);
}
var results = RunMedians.Of(runs);
ResultPrinter.Print(runCount > 1 ? $"{suite.Name} (median of {runCount} runs)" : suite.Name, results);
if (jsonPath is not null) ResultPrinter.WriteJson(jsonPath, suite.Name, results, runCount > 1 ? runs : null);
if (jsonPath is not null && suite is ChaosSuite chaos) chaos.AddTimeline(jsonPath);
if (plotsDir is not null)
    foreach (var chart in BenchmarkPlots.Write(plotsDir, jsonPath!)) Console.WriteLine($"  chart {chart}");
return 0;

string? Value(string flag)
{
    var index = Array.IndexOf(args, flag);
    return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
}
