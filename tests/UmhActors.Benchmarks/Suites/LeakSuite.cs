using System.Diagnostics;
using Akka.Actor;
using Akka.Configuration;
using UmhActors.Benchmarks.Infrastructure;
using UmhActors.Failures;
using UmhActors.Helpers;
using UmhActors.Native.Launch;
using UmhActors.Requests;
using UmhActors.Supervision;

namespace UmhActors.Benchmarks.Suites;

/// <summary>
/// Where host memory goes, one cause at a time (the chaos run mixes them): <c>leak-launch</c>
/// launches and kills helpers with the native layer alone (no actors), <c>leak-restart</c> SIGKILLs
/// the helpers of 8 helper actors (chaos options) with no request load, <c>leak-requests</c> has 64
/// callers on 8 helper actors and no faults. Every 15 s it prints RSS, the managed heap and glibc
/// malloc's figures after a full GC (<see cref="MemoryProbe"/>); the results give the growth from the
/// first reading after a warm-up to the end, per launch (restart) or per thousand requests.
/// <c>--minutes N</c> (default 2; 30 s with <c>--quick</c>).
/// </summary>
internal sealed class LeakSuite(string mode) : IBenchmarkSuite
{
    private const int Helpers = 8;
    private const int Callers = 64;
    private static readonly TimeSpan ReadEvery = TimeSpan.FromSeconds(15);

    public string Name => "leak-" + mode;

    public async Task<IReadOnlyList<BenchmarkResult>> RunAsync(BenchmarkOptions options)
    {
        var duration = TimeSpan.FromMinutes(options.Minutes ?? (options.Quick ? 0.5 : 2));
        long work = 0;
        using var stop = new CancellationTokenSource(duration);
        using var blob = BenchHelper.Blob();
        var system = mode == "launch" ? null
            : ActorSystem.Create("leak", ConfigurationFactory.ParseString("akka.loglevel = ERROR\nakka.stdout-loglevel = ERROR\nakka.log-dead-letters = off"));
        try
        {
            Task load;
            if (system is null)
            {
                load = Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => LaunchLoopAsync(blob, () => Interlocked.Increment(ref work), stop.Token))));
            }
            else
            {
                var helperOptions = HelperOptions.Default
                    .WithLaunch(LaunchOptions.Default.WithMemoryLimit(256L << 20, ignoreIfUnavailable: true))
                    .WithRequestTimeout(TimeSpan.FromSeconds(2))
                    .WithWatchdog(TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(1))
                    .WithSupervision(HelperSupervisionPolicy.Default
                        .With(HelperFailureKind.Killed, HelperDirective.Restart)
                        .WithBackoff(new HelperBackoff(TimeSpan.FromMilliseconds(20), TimeSpan.FromMilliseconds(500), 0.2, TimeSpan.FromSeconds(5)))
                        .WithIntensity(new RestartIntensity(1_000_000, TimeSpan.FromMinutes(1))));
                var helpers = Enumerable.Range(0, Helpers).Select(i => system.ActorOf(HelperActor.Props(blob, helperOptions), $"leak-{i}")).ToArray();
                foreach (var helper in helpers) await new HelperClient(helper).WhenReadyAsync(timeout: TimeSpan.FromSeconds(30));
                load = mode == "restart"
                    ? KillLoopAsync(helpers, () => Interlocked.Increment(ref work), stop.Token)
                    : Task.WhenAll(Enumerable.Range(0, Callers).Select(c => Task.Run(() => CallerLoopAsync(helpers, c, () => Interlocked.Increment(ref work), stop.Token))));
            }

            var clock = Stopwatch.StartNew();
            var readings = new List<(double Seconds, long Work, MemoryProbe.Reading Reading)>();
            while (!stop.IsCancellationRequested)
            {
                await Task.Delay(ReadEvery, stop.Token).ContinueWith(_ => { });
                var reading = MemoryProbe.AfterFullGc();
                var done = Interlocked.Read(ref work);
                readings.Add((clock.Elapsed.TotalSeconds, done, reading));
                Console.WriteLine($"  {clock.Elapsed.TotalSeconds,5:F0} s: {done} {Unit}; {reading}");
            }
            await load;
            var first = readings[Math.Min(1, readings.Count - 1)];
            var last = readings[^1];
            var perUnit = Math.Max(1, last.Work - first.Work) / (mode == "requests" ? 1000.0 : 1.0);
            return
            [
                BenchmarkResult.Value(Unit, last.Work),
                BenchmarkResult.Value("rss_growth_kib_per_" + UnitOne, (last.Reading.RssBytes - first.Reading.RssBytes) / 1024.0 / perUnit),
                BenchmarkResult.Value("malloc_in_use_growth_kib_per_" + UnitOne, (last.Reading.MallocInUseBytes - first.Reading.MallocInUseBytes) / 1024.0 / perUnit),
                BenchmarkResult.Value("malloc_free_growth_kib_per_" + UnitOne, (last.Reading.MallocFreeBytes - first.Reading.MallocFreeBytes) / 1024.0 / perUnit),
                BenchmarkResult.Value("managed_growth_kib_per_" + UnitOne, (last.Reading.ManagedHeapBytes - first.Reading.ManagedHeapBytes) / 1024.0 / perUnit),
                BenchmarkResult.Value("rss_end_mib", last.Reading.RssBytes / 1048576.0),
                BenchmarkResult.Value("arenas_end", last.Reading.Arenas),
            ];
        }
        finally
        {
            if (system is not null) await system.Terminate();
        }
    }

    private string Unit => mode switch { "launch" => "launches", "restart" => "restarts", _ => "requests" };

    private string UnitOne => mode switch { "launch" => "launch", "restart" => "restart", _ => "1000_requests" };

    private static async Task LaunchLoopAsync(Native.Blobs.HelperBlob blob, Action counted, CancellationToken stop)
    {
        var options = LaunchOptions.Default.WithMemoryLimit(256L << 20, ignoreIfUnavailable: true);
        while (!stop.IsCancellationRequested)
        {
            using var process = HelperLauncher.Launch(blob, options);
            process.Kill();
            await process.Exited;
            counted();
        }
    }

    private static async Task KillLoopAsync(IActorRef[] helpers, Action counted, CancellationToken stop)
    {
        var random = new Random(13);
        while (!stop.IsCancellationRequested)
        {
            var helper = helpers[random.Next(helpers.Length)];
            try
            {
                var status = await helper.Ask<HelperStatus>(GetHelperStatus.Instance, TimeSpan.FromSeconds(5));
                if (status.Ready && status.Pid > 0 && Tmds.Linux.LibC.kill(status.Pid, 9) == 0) counted();
            }
            catch (AskTimeoutException)
            {
            }
            await Task.Delay(25, stop).ContinueWith(_ => { });
        }
    }

    private static async Task CallerLoopAsync(IActorRef[] helpers, int caller, Action counted, CancellationToken stop)
    {
        var random = new Random(caller);
        while (!stop.IsCancellationRequested)
        {
            var client = new HelperClient(helpers[random.Next(helpers.Length)]);
            var a = random.Next(1_000_000);
            var b = random.Next(1_000_000);
            try
            {
                if (await client.CallAsync<int[], long>("add", [a, b]) != (long)a + b) throw new InvalidOperationException("wrong answer");
                counted();
            }
            catch (HelperTimeoutException)
            {
                // A loaded machine: this suite measures memory, not latency.
            }
        }
    }
}
