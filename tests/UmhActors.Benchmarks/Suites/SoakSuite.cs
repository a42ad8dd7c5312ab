using System.Diagnostics;
using UmhActors.Benchmarks.Infrastructure;
using UmhActors.Native.Blobs;
using UmhActors.Native.Cgroups;
using UmhActors.Native.Io;
using UmhActors.Native.Launch;

namespace UmhActors.Benchmarks.Suites;

/// <summary>
/// Launch churn for a long time, watching what a leak would grow: the shared reactor's
/// registrations, the host's open fds, its zombie children, its helper cgroups (<c>umh-PID-…</c>)
/// and the helpers it still tracks. Four workers launch <c>true</c> from a sealed memfd with pipes
/// and await its exit; every 20th launch asks for a cgroup, every 50th kills a running
/// <c>sleep</c> by disposing it. Every figure must be flat from start to end.
/// </summary>
internal sealed class SoakSuite : IBenchmarkSuite
{
    private const int Workers = 4;
    private static readonly int Self = Environment.ProcessId;

    public string Name => "soak";

    public async Task<IReadOnlyList<BenchmarkResult>> RunAsync(BenchmarkOptions options)
    {
        var limit = options.Launches ?? options.Iterations(full: 100_000, quick: 2_000);
        var duration = TimeSpan.FromMinutes(options.Minutes ?? (options.Quick ? 1 : 10));
        using var trueBlob = HelperBlob.FromFile("true", "/usr/bin/true");
        using var sleepBlob = HelperBlob.FromFile("sleep", "/usr/bin/sleep");
        var cgroups = CgroupSupport.Current;
        Console.WriteLine($"  soak: up to {limit:N0} launches or {duration.TotalMinutes:F0} min, {Workers} workers; cgroups: {(cgroups.IsAvailable ? cgroups.Backend.ToString() : "unavailable")}");

        // Warm up so the reactor, the memfds and the runtime's own lazy fds exist before the first sample.
        await using (var warm = HelperLauncher.Launch(trueBlob)) await warm.Exited;
        var samples = new List<Sample> { Take(0, TimeSpan.Zero) };
        Print(samples[0]);

        // Ten batches; between batches the workers stop and in-flight exits settle, so each sample
        // shows what stays behind, not what is merely in flight.
        var launched = 0;
        var failures = 0;
        var clock = Stopwatch.StartNew();
        for (var batch = 1; batch <= 10 && clock.Elapsed < duration; batch++)
        {
            var batchEnd = (int)((long)limit * batch / 10);
            var workers = Enumerable.Range(0, Workers).Select(_ => Task.Run(async () =>
            {
                while (clock.Elapsed < duration)
                {
                    var n = Interlocked.Increment(ref launched);
                    if (n > batchEnd)
                    {
                        Interlocked.Decrement(ref launched);
                        break;
                    }
                    try
                    {
                        await LaunchOnceAsync(n, trueBlob, sleepBlob);
                    }
                    catch (LaunchFailedException e) when (e.IsTransient)
                    {
                        Interlocked.Increment(ref failures);
                    }
                }
            })).ToArray();
            await Task.WhenAll(workers);
            var sample = await SettleAsync(samples[0], launched, clock.Elapsed);
            samples.Add(sample);
            Print(sample);
        }
        var total = launched;
        var end = samples[^1];
        Console.WriteLine($"  {total:N0} launches in {clock.Elapsed.TotalSeconds:F0} s ({total / clock.Elapsed.TotalSeconds:F0}/s), transient failures {failures}");

        var start = samples[0];
        var middle = samples.OrderBy(s => Math.Abs(s.Launches - total / 2)).First();
        return
        [
            BenchmarkResult.Throughput("launches", total / clock.Elapsed.TotalSeconds, total),
            .. Figures("start", start), .. Figures("middle", middle), .. Figures("end", end),
        ];
    }

    private static async Task LaunchOnceAsync(int n, HelperBlob trueBlob, HelperBlob sleepBlob)
    {
        if (n % 50 == 0)
        {
            // Killed while running: the Dispose path, the group kill and the reap after it.
            var sleeper = HelperLauncher.Launch(sleepBlob, LaunchOptions.Default.WithArguments("10"));
            sleeper.Dispose();
            await sleeper.Exited;
            return;
        }
        var options = n % 20 == 0 ? LaunchOptions.Default.WithCgroup(ignoreIfUnavailable: true) : LaunchOptions.Default;
        await using var helper = HelperLauncher.Launch(trueBlob, options);
        await helper.Exited;
    }

    // Exits complete on the reactor and the thread pool a moment after the last await; wait up to
    // a second for the figures to come back to the start's, then take them as they are.
    private static async Task<Sample> SettleAsync(Sample start, int launches, TimeSpan elapsed)
    {
        var now = Take(launches, elapsed);
        for (var i = 0; i < 50 && !Settled(start, now); i++)
        {
            await Task.Delay(20);
            now = Take(launches, elapsed);
        }
        return now;
    }

    private static bool Settled(Sample start, Sample now) =>
        now.Registrations <= start.Registrations && now.Fds <= start.Fds && now.Zombies <= start.Zombies && now.Cgroups <= start.Cgroups;

    private static IEnumerable<BenchmarkResult> Figures(string when, Sample s) =>
    [
        BenchmarkResult.Value($"{when}_registrations", s.Registrations),
        BenchmarkResult.Value($"{when}_fds", s.Fds),
        BenchmarkResult.Value($"{when}_zombies", s.Zombies),
        BenchmarkResult.Value($"{when}_cgroups", s.Cgroups),
        BenchmarkResult.Value($"{when}_live_helpers", s.LiveHelpers),
    ];

    private static void Print(Sample s) => Console.WriteLine(
        $"  t={s.Elapsed.TotalSeconds,6:F0}s launches={s.Launches,7} registrations={s.Registrations} fds={s.Fds} zombies={s.Zombies} cgroups={s.Cgroups} live_helpers={s.LiveHelpers} rss_mb={s.RssMb:F0}");

    private static Sample Take(int launches, TimeSpan elapsed) => new(
        launches,
        elapsed,
        Reactor.SharedIfCreated?.RegisteredCount ?? 0,
        Directory.GetFileSystemEntries("/proc/self/fd").Length,
        ZombieChildren(),
        UmhCgroups(),
        Native.Exit.LiveHelpers.Count,
        Environment.WorkingSet / 1e6);

    private static int ZombieChildren()
    {
        var count = 0;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out _)) continue;
            string stat;
            try
            {
                stat = File.ReadAllText(Path.Combine(dir, "stat"));
            }
            catch (IOException)
            {
                continue;
            }
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            if (fields[0] == "Z" && int.Parse(fields[1]) == Self) count++;
        }
        return count;
    }

    // This host's helper cgroups, in every hierarchy it uses.
    private static int UmhCgroups()
    {
        var cgroups = CgroupSupport.Current;
        if (!cgroups.IsAvailable) return 0;
        return cgroups.HostDirectories.Sum(d => Directory.EnumerateDirectories(d, $"umh-{Self}-*").Count());
    }

    private sealed record Sample(int Launches, TimeSpan Elapsed, int Registrations, int Fds, int Zombies, int Cgroups, int LiveHelpers, double RssMb);
}
