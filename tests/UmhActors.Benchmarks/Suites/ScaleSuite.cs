using System.Diagnostics;
using Akka.Actor;
using Akka.Configuration;
using UmhActors.Benchmarks.Infrastructure;
using UmhActors.Helpers;
using UmhActors.Requests;

namespace UmhActors.Benchmarks.Suites;

/// <summary>
/// 1,000 helpers alive at once in one ActorSystem, one request to each: the host's thread count
/// (the highest seen while starting, serving and stopping), host RSS per helper, and the time to
/// start them all (until every one has answered) and to stop them all (until every helper
/// process is gone).
/// </summary>
internal sealed class ScaleSuite : IBenchmarkSuite
{
    public string Name => "scale";

    public async Task<IReadOnlyList<BenchmarkResult>> RunAsync(BenchmarkOptions options)
    {
        var count = options.Iterations(full: 1000, quick: 100);
        using var blob = BenchHelper.Blob();
        var payload = BenchHelper.Payload32();
        var system = ActorSystem.Create("scale", ConfigurationFactory.ParseString("akka.loglevel = WARNING"));
        using var sampler = new ThreadSampler();
        try
        {
            // Warm the system (dispatcher, reactor, blob memfd) so the per-helper figures are marginal.
            var warm = system.ActorOf(HelperActor.Props(blob));
            await warm.Ask<HelperResponse>(new HelperRequest("echo", payload), TimeSpan.FromSeconds(30));
            GC.Collect();
            var rssBefore = ReadStatusKb("VmRSS");

            var start = Stopwatch.GetTimestamp();
            var actors = Enumerable.Range(0, count).Select(i => system.ActorOf(HelperActor.Props(blob), $"helper-{i}")).ToArray();
            await Task.WhenAll(actors.Select(a => a.Ask<HelperResponse>(new HelperRequest("echo", payload), TimeSpan.FromMinutes(2))));
            var startAllMs = Stopwatch.GetElapsedTime(start).TotalMilliseconds;

            var pids = await Task.WhenAll(actors.Select(async a => (await a.Ask<HelperStatus>(GetHelperStatus.Instance, TimeSpan.FromSeconds(30))).Pid));
            GC.Collect();
            var rssPerHelper = (ReadStatusKb("VmRSS") - rssBefore) / (double)count;
            var alive = pids.Count(IsRunning);

            start = Stopwatch.GetTimestamp();
            foreach (var actor in actors) system.Stop(actor);
            while (pids.Any(IsRunning)) await Task.Delay(5);
            var stopAllMs = Stopwatch.GetElapsedTime(start).TotalMilliseconds;

            Console.WriteLine($"  {alive} of {count} helpers were alive at once; highest host thread count {sampler.Max}");
            return
            [
                BenchmarkResult.Value("threads", sampler.Max),
                BenchmarkResult.Value("rss_kb_per_helper", rssPerHelper),
                BenchmarkResult.Value("start_all_ms", startAllMs),
                BenchmarkResult.Value("stop_all_ms", stopAllMs),
                BenchmarkResult.Value("helpers", alive),
            ];
        }
        finally
        {
            await system.Terminate();
        }
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var state = stat[(stat.LastIndexOf(')') + 2)..][0];
            return state is not ('Z' or 'X');
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static long ReadStatusKb(string field)
    {
        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith(field + ":"));
        return long.Parse(line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)[1]);
    }

    /// <summary>Samples the host's thread count every 10 ms and keeps the highest.</summary>
    private sealed class ThreadSampler : IDisposable
    {
        private readonly Timer _timer;
        private int _max;

        public ThreadSampler() => _timer = new Timer(_ => Sample(), null, 0, 10);

        public int Max
        {
            get
            {
                Sample();
                return Volatile.Read(ref _max);
            }
        }

        private void Sample()
        {
            var threads = (int)ReadStatusKb("Threads");
            int seen;
            while (threads > (seen = Volatile.Read(ref _max)) && Interlocked.CompareExchange(ref _max, threads, seen) != seen) { }
        }

        public void Dispose() => _timer.Dispose();
    }
}
