using System.Text.Json;
using System.Text.Json.Nodes;
using Akka.Actor;
using Akka.Configuration;
using UmhActors.Benchmarks.Infrastructure;
using UmhActors.Chaos;

namespace UmhActors.Benchmarks.Suites;

/// <summary>
/// Chaos (<see cref="ChaosRun"/>): 8 helper actors, 64 callers, random SIGKILL, double SIGSEGV,
/// SIGSTOP under the watchdog, in-band crashes and exits, fd bursts. Reports the invariants
/// (violations must be 0, every helper serving afterwards, nothing left, host RSS growth under 10 %)
/// and, with <c>--json</c>, a per-second timeline. <c>--seconds N</c> or <c>--minutes N</c> (default 1
/// minute; 20 s with <c>--quick</c>).
/// </summary>
internal sealed class ChaosSuite : IBenchmarkSuite
{
    private ChaosReport? _report;

    public string Name => "chaos";

    public async Task<IReadOnlyList<BenchmarkResult>> RunAsync(BenchmarkOptions options)
    {
        var duration = TimeSpan.FromMinutes(options.Minutes ?? (options.Quick ? 20.0 / 60 : 1));
        var system = ActorSystem.Create("chaos", ConfigurationFactory.ParseString("akka.loglevel = ERROR\nakka.stdout-loglevel = ERROR\nakka.log-dead-letters = off"));
        ChaosReport report;
        try
        {
            report = await ChaosRun.RunAsync(system, typeof(ChaosSuite).Assembly, new ChaosSettings(duration)
            {
                Faults = options.Faults,
                MemoryProbe = () => MemoryProbe.Read().ToString(),
                MemoryMark = MemoryMark,
            }, Console.WriteLine);
        }
        finally
        {
            await system.Terminate();
        }
        _report = report;
        var broken = report.BrokenInvariants().ToList();
        if (report.RssGrowthPercent >= 10) broken.Add($"host RSS grew {report.RssGrowthPercent:F1} %");
        Console.WriteLine(broken.Count == 0 ? "  chaos: every invariant held" : "  chaos: BROKEN: " + string.Join("; ", broken));
        var results = new List<BenchmarkResult>
        {
            BenchmarkResult.Throughput("requests", report.Requests / report.Seconds, (int)report.Requests),
            BenchmarkResult.Value("right_answers", report.Correct),
            BenchmarkResult.Value("typed_failures", report.TypedFailures),
            BenchmarkResult.Value("violations", report.Violations.Values.Sum()),
            BenchmarkResult.Value("restarts", report.Restarts),
            BenchmarkResult.Value("faults", report.Faults.Values.Sum()),
            BenchmarkResult.Value("serving_afterwards", report.HelpersServingAfterwards),
            BenchmarkResult.Value("left_processes", report.LeftProcesses),
            BenchmarkResult.Value("left_cgroups", report.LeftCgroups),
            BenchmarkResult.Value("left_memfds", report.LeftMemfds),
            BenchmarkResult.Value("left_fds", report.LeftFdsBeyondSlack),
            BenchmarkResult.Value("rss_before_mib", report.RssBeforeBytes / 1048576.0),
            BenchmarkResult.Value("rss_after_mib", report.RssAfterBytes / 1048576.0),
            BenchmarkResult.Value("rss_growth_pct", report.RssGrowthPercent),
            BenchmarkResult.Value("rss_before_compacting_gc_mib", report.RssAfterCompactingGc.Before / 1048576.0),
            BenchmarkResult.Value("rss_after_compacting_gc_mib", report.RssAfterCompactingGc.After / 1048576.0),
            BenchmarkResult.Value("invariants_broken", broken.Count),
        };
        results.AddRange(report.Faults.Select(f => BenchmarkResult.Value("fault " + f.Key, f.Value)));
        return results;
    }

    // Where the resident memory is at each mark (after an aggressive GC): by mapping kind, and what
    // grew since the warm-up's end.
    private void MemoryMark(string label)
    {
        var snapshot = SmapsSnapshot.Take();
        var gc = GC.GetGCMemoryInfo(GCKind.Any);
        Console.WriteLine($"  memory at {label}: {MemoryProbe.Read()}; GC committed {gc.TotalCommittedBytes / 1048576.0:F2} MiB, heap size {gc.HeapSizeBytes / 1048576.0:F2} MiB, " +
                          $"pool threads {ThreadPool.ThreadCount}, JIT'd methods {System.Runtime.JitInfo.GetCompiledMethodCount()}, JIT'd IL {System.Runtime.JitInfo.GetCompiledILBytes() / 1024} KiB");
        Console.WriteLine("    " + snapshot.Summary());
        Console.WriteLine("    " + _churn);
        if (_warmUpSmaps is null) _warmUpSmaps = snapshot;
        else Console.WriteLine(snapshot.DiffFrom(_warmUpSmaps));
    }

    private SmapsSnapshot? _warmUpSmaps;
    private readonly ThreadPoolChurnListener _churn = new();

    /// <summary>Adds the last run's per-second timeline (answers, restarts, failures by type, faults)
    /// and its violations to the JSON the program wrote.</summary>
    public void AddTimeline(string jsonPath)
    {
        if (_report is null) return;
        var document = JsonNode.Parse(File.ReadAllText(jsonPath))!.AsObject();
        document["violations"] = JsonSerializer.SerializeToNode(_report.Violations);
        document["timeline"] = JsonSerializer.SerializeToNode(_report.Timeline.Select(s => new
        {
            second = s.Second,
            answered = s.Answered,
            restarts = s.Restarts,
            failures = s.Failures,
            restarts_by_kind = s.RestartsByKind,
            faults = s.Faults,
        }));
        File.WriteAllText(jsonPath, document.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
    }
}
