using System.Collections.Concurrent;
using System.Diagnostics;
using Akka.Actor;
using Akka.Configuration;
using UmhActors.Benchmarks.Infrastructure;
using UmhActors.Diagnostics;
using UmhActors.Helpers;
using UmhActors.Requests;

namespace UmhActors.Benchmarks.Suites;

/// <summary>
/// Mass start and stop: for each count N (<c>--counts</c>, default 100 … 4,000), N helpers started
/// at once in a fresh ActorSystem, one request to each, then all stopped. Per count:
/// <c>start_all_ms</c> (create N actors until every helper answered) against the bound
/// <c>N × raw launch p50 ÷ CPU count</c>, where the raw launch (posix_spawn of the helper file to
/// its first reply, no actor, no reactor) is measured just before, in the same run; the highest
/// host thread count while starting and while stopping; <c>stop_all_ms</c> (until every helper
/// process has been reaped) and per thousand; host RSS per helper; and where each launch's time
/// went, from the <c>umh.helper.launch</c> spans (<see cref="LaunchTracing"/>). Just before each
/// count, the raw stop-all of N raw helpers (every stdin closed, every one reaped) gives the floor
/// for <c>stop_all_ms</c>. The host's threads at the peak of each start and stop are split by owner
/// (<see cref="ThreadCensus"/>: library, pool workers, runtime, other); with <c>UMH_SCALE_THREAD_NAMES</c>
/// set, the suite also prints them by name. With <c>UMH_SCALE_WAIT_STACKS</c> set, it prints where
/// pool threads blocked on an unfinished task while starting and stopping (<see cref="PoolBlockingWaits"/>).
/// </summary>
internal sealed class ScaleSuite : IBenchmarkSuite
{
    private static readonly int[] FullCounts = [100, 250, 500, 1000, 2000, 4000];
    private static readonly int[] QuickCounts = [25, 50, 100];

    // The steps of a launch, in order: the span's events, then the first reply (benchmark's clock).
    private static readonly string[] Steps = ["permit", "begun", "cgroup", "spawned", "registered", "ready", "reply"];

    public string Name => "scale";

    public async Task<IReadOnlyList<BenchmarkResult>> RunAsync(BenchmarkOptions options)
    {
        var counts = options.Counts ?? (options.Quick ? QuickCounts : FullCounts);
        var rawRounds = options.Iterations(full: 200, quick: 30);
        using var blob = BenchHelper.Blob();
        var helperFile = BenchHelper.WriteToTempFile();
        var payload = BenchHelper.Payload32();
        var results = new List<BenchmarkResult>();
        var allRaw = new List<double>();
        var maxThreads = 0;
        ThreadCensus? maxCensus = null;
        var spans = new ConcurrentDictionary<string, Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == UmhTracing.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> o) =>
                o.Name == LaunchTracing.SpanName ? ActivitySamplingResult.AllDataAndRecorded : ActivitySamplingResult.None,
            ActivityStopped = activity =>
            {
                if (activity.GetTagItem("umh.actor") is string actor) spans[actor] = activity;
            },
        };
        ActivitySource.AddActivityListener(listener);
        try
        {
            // Warm the launch path once (JIT, reactor) so the first count is not charged for it.
            await OffThePool(() => { for (var i = 0; i < 5; i++) RawLaunchUs(helperFile, payload); return 0; });
            foreach (var count in counts)
            {
                var raw = await OffThePool(() => Enumerable.Range(0, rawRounds).Select(_ => RawLaunchUs(helperFile, payload)).ToList());
                allRaw.AddRange(raw);
                spans.Clear();
                var rawStopMs = await OffThePool(() => RawStopAllMs(helperFile, payload, count));
                var row = await RunCountAsync(count, blob, payload, Percentiles.Of(raw, 50), rawStopMs, spans);
                Console.WriteLine($"        raw stop-all of {count} (close every stdin, reap them all): {rawStopMs:F0} ms");
                foreach (var phase in new[] { "start", "stop" })
                {
                    if (row[$"threads_{phase}"] <= maxThreads) continue;
                    maxThreads = (int)row[$"threads_{phase}"];
                    maxCensus = new ThreadCensus((int)row[$"threads_{phase}_library"], (int)row[$"threads_{phase}_pool"],
                        (int)row[$"threads_{phase}_runtime"], (int)row[$"threads_{phase}_other"], "");
                }
                results.Add(row);
            }
        }
        finally
        {
            File.Delete(helperFile);
        }
        results.Add(BenchmarkResult.Latency("raw_launch", allRaw));
        results.Add(BenchmarkResult.Value("threads", maxThreads));
        if (maxCensus is { } census)
        {
            Console.WriteLine($"  most host threads in this run: {maxThreads} (at that peak: {census.Library} library, {census.Pool} pool workers, {census.Runtime} runtime, {census.Other} other)");
            results.Add(new BenchmarkResult("threads_peak_split", new Dictionary<string, double>
            {
                ["library"] = census.Library,
                ["pool"] = census.Pool,
                ["runtime"] = census.Runtime,
                ["other"] = census.Other,
            }));
        }
        return results;
    }

    private static async Task<BenchmarkResult> RunCountAsync(int count, Native.Blobs.HelperBlob blob, byte[] payload, double rawP50Us,
        double rawStopMs, ConcurrentDictionary<string, Activity> spans)
    {
        using var waits = Environment.GetEnvironmentVariable("UMH_SCALE_WAIT_STACKS") is null ? null : new PoolBlockingWaits();
        var system = ActorSystem.Create($"scale{count}", ConfigurationFactory.ParseString("akka.loglevel = WARNING"));
        using var sampler = new ThreadSampler();
        using var injections = new ThreadPoolInjections();
        try
        {
            // Warm the system (dispatcher, guardian, blob memfd) so the per-helper figures are marginal.
            var warm = system.ActorOf(HelperActor.Props(blob), "warm");
            await warm.Ask<HelperResponse>(new HelperRequest("echo", payload), TimeSpan.FromSeconds(30));
            await warm.Ask<HelperEnded>(StopHelper.Instance, TimeSpan.FromSeconds(30));
            if (waits is not null) Console.WriteLine($"        pool threads blocked on a task while setting up (ActorSystem, warm helper): {waits.Summary()}");
            GC.Collect();
            var rssBefore = ReadStatusKb("VmRSS");

            // Generous timeouts: a start that is slow must show as a slow start, not as a failure.
            var request = new HelperRequest("echo", payload, TimeSpan.FromMinutes(2));
            var props = HelperActor.Props(blob, HelperOptions.Default.WithStartupTimeout(TimeSpan.FromMinutes(2)));
            var created = new DateTimeOffset[count];
            var answered = new DateTimeOffset[count];
            var actors = new IActorRef[count];
            var asks = new Task[count];
            sampler.Reset();
            injections.Reset();
            waits?.Reset();
            var cpuBefore = HostCpuMs();
            var start = Stopwatch.GetTimestamp();
            for (var i = 0; i < count; i++)
            {
                created[i] = DateTimeOffset.UtcNow;
                actors[i] = system.ActorOf(props, $"helper-{i}");
            }
            for (var i = 0; i < count; i++)
            {
                var index = i;
                asks[i] = actors[i].Ask<HelperResponse>(request, TimeSpan.FromMinutes(2))
                    .ContinueWith(t =>
                    {
                        answered[index] = DateTimeOffset.UtcNow;
                        return t.Result;
                    }, TaskContinuationOptions.ExecuteSynchronously);
            }
            await Task.WhenAll(asks);
            var startAllMs = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            var threadsStart = sampler.Max;
            var censusStart = sampler.Peak;
            var hostCpuMsPerHelper = (HostCpuMs() - cpuBefore) / count;
            if (Environment.GetEnvironmentVariable("UMH_SCALE_THREAD_NAMES") is not null) Console.WriteLine($"        threads at the peak: {censusStart.Names}");
            Console.WriteLine($"        threads at the peak while starting: {censusStart}");
            Console.WriteLine($"        thread pool adjustments while starting: {injections.Summary()}");
            if (waits is not null) Console.WriteLine($"        pool threads blocked on a task while starting: {waits.Summary()}");

            var statuses = await Task.WhenAll(actors.Select(a => a.Ask<HelperStatus>(GetHelperStatus.Instance, TimeSpan.FromSeconds(30))));
            var alive = statuses.Count(s => s.Pid > 0 && Directory.Exists($"/proc/{s.Pid}"));
            var restarts = statuses.Sum(s => s.Restarts);
            // The helpers' own CPU from exec to here (start-up, hello, one echo, idle since).
            var helperCpu = statuses.Select(s => HelperCpuMs(s.Pid)).Where(ms => ms is not null).Select(ms => ms!.Value).ToList();
            GC.Collect();
            var rssPerHelper = (ReadStatusKb("VmRSS") - rssBefore) / (double)count;

            sampler.Reset();
            injections.Reset();
            waits?.Reset();
            start = Stopwatch.GetTimestamp();
            // HelperEnded answers once the helper has been reaped (and its cgroup removed).
            await Task.WhenAll(actors.Select(a => a.Ask<HelperEnded>(StopHelper.Instance, TimeSpan.FromMinutes(2))));
            var stopAllMs = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            var threadsStop = sampler.Max;
            var censusStop = sampler.Peak;
            Console.WriteLine($"        threads at the peak while stopping: {censusStop}");
            Console.WriteLine($"        thread pool adjustments while stopping: {injections.Summary()}");
            if (waits is not null) Console.WriteLine($"        pool threads blocked on a task while stopping: {waits.Summary()}");

            var boundMs = count * rawP50Us / 1000.0 / Environment.ProcessorCount;
            var metrics = new Dictionary<string, double>
            {
                ["helpers"] = alive,
                ["restarts"] = restarts,
                ["start_all_ms"] = startAllMs,
                ["raw_p50_us"] = rawP50Us,
                ["bound_ms"] = boundMs,
                ["ratio"] = startAllMs / boundMs,
                ["threads_start"] = threadsStart,
                ["threads_start_library"] = censusStart.Library,
                ["threads_start_pool"] = censusStart.Pool,
                ["threads_start_runtime"] = censusStart.Runtime,
                ["threads_start_other"] = censusStart.Other,
                ["host_cpu_ms_per_helper_start"] = hostCpuMsPerHelper,
                ["helper_cpu_ms_mean"] = helperCpu.Count > 0 ? helperCpu.Average() : 0,
                ["stop_all_ms"] = stopAllMs,
                ["stop_ms_per_1000"] = stopAllMs * 1000.0 / count,
                ["raw_stop_all_ms"] = rawStopMs,
                ["threads_stop"] = threadsStop,
                ["threads_stop_library"] = censusStop.Library,
                ["threads_stop_pool"] = censusStop.Pool,
                ["threads_stop_runtime"] = censusStop.Runtime,
                ["threads_stop_other"] = censusStop.Other,
                ["rss_kb_per_helper"] = rssPerHelper,
            };
            foreach (var (name, value) in Breakdown(count, created, answered, spans)) metrics[name] = value;
            Console.WriteLine($"        helper CPU from exec to the first answer and after, mean: {metrics["helper_cpu_ms_mean"]:F2} ms");
            Console.WriteLine($"  {count,5} helpers ({alive} alive): start {startAllMs:F0} ms, bound {boundMs:F0} ms (raw p50 {rawP50Us:F0} us x {count} / {Environment.ProcessorCount} CPUs), " +
                $"ratio {startAllMs / boundMs:F2}; stop {stopAllMs:F0} ms; threads {threadsStart} starting, {threadsStop} stopping");
            Console.WriteLine("        per launch p50 ms: " + string.Join(", ", metrics.Where(m => m.Key.EndsWith("_p50_ms", StringComparison.Ordinal))
                .Select(m => $"{m.Key[..^7]} {m.Value:F2}")) + $"; spawns at once at most {metrics.GetValueOrDefault("spawns_at_once_max"):F0}");
            return new BenchmarkResult($"n{count}", metrics);
        }
        finally
        {
            await system.Terminate();
        }
    }

    /// <summary>Per launch, the time in each step (p50 and mean, ms): <c>queued</c> from ActorOf to
    /// the actor's PreStart (its turn on the dispatcher), <c>permit</c> (the guardian), <c>begun</c> (waiting
    /// for a spawn thread), <c>cgroup</c>
    /// (fd check, sealed memfd, the helper's cgroup), <c>spawned</c> (posix_spawn, pidfd), <c>registered</c>
    /// (pipes and pidfd into the reactor, reading started), <c>ready</c> (the helper's start-up and
    /// <c>$/hello</c>, up to the actor handling it), <c>reply</c> (the echo, up to the caller);
    /// and how many spawns overlapped at most.</summary>
    private static IEnumerable<(string Name, double Value)> Breakdown(int count, DateTimeOffset[] created, DateTimeOffset[] answered,
        ConcurrentDictionary<string, Activity> spans)
    {
        var perStep = new Dictionary<string, List<double>> { ["queued"] = [] };
        foreach (var step in Steps) perStep[step] = [];
        var spawnIntervals = new List<(DateTimeOffset From, DateTimeOffset To)>();
        for (var i = 0; i < count; i++)
        {
            if (!spans.TryGetValue($"helper-{i}", out var span)) continue;
            var begun = new DateTimeOffset(span.StartTimeUtc);
            var at = span.Events.ToDictionary(e => e.Name, e => e.Timestamp);
            at["ready"] = begun + span.Duration;
            at["reply"] = answered[i];
            perStep["queued"].Add((begun - created[i]).TotalMilliseconds);
            var previous = begun;
            foreach (var step in Steps)
            {
                if (!at.TryGetValue(step, out var time)) break;
                perStep[step].Add((time - previous).TotalMilliseconds);
                previous = time;
            }
            if (at.TryGetValue("cgroup", out var spawnFrom) && at.TryGetValue("spawned", out var spawnTo)) spawnIntervals.Add((spawnFrom, spawnTo));
        }
        foreach (var (step, samples) in perStep.Where(p => p.Value.Count > 0))
        {
            yield return ($"{step}_p50_ms", Percentiles.Of(samples, 50));
            yield return ($"{step}_mean_ms", samples.Average());
        }
        yield return ("spans", perStep["queued"].Count);
        // Most spawns in progress at one moment: 1 means they ran one after another.
        var edges = spawnIntervals.SelectMany(s => new[] { (s.From, 1), (s.To, -1) }).OrderBy(e => e.Item1).ThenBy(e => e.Item2);
        int open = 0, most = 0;
        foreach (var (_, delta) in edges) most = Math.Max(most, open += delta);
        yield return ("spawns_at_once_max", most);
    }

    // The raw baselines block in reads, waits and posix_spawn for seconds: on a thread of their own,
    // not on the pool thread this suite continues on after its first await, which the pool would
    // count as a worker making no progress (and then inject workers that stay idle into the next
    // measured start).
    private static Task<T> OffThePool<T>(Func<T> work) =>
        Task.Factory.StartNew(work, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    // The floor for stop_all_ms: N raw helpers (started one by one, each answered once, untimed),
    // then every stdin closed (the helper exits on EOF) and every one reaped, timed.
    private static double RawStopAllMs(string helperFile, byte[] payload, int count)
    {
        var helpers = new List<RawSpawn>(count);
        try
        {
            for (var i = 0; i < count; i++)
            {
                var raw = RawSpawn.Start(helperFile);
                helpers.Add(raw);
                var client = new RawFrameClient(raw.ToHelper, raw.FromHelper);
                client.Queue("echo", payload);
                client.Send();
                client.ReadResponses(1);
            }
            var start = Stopwatch.GetTimestamp();
            foreach (var raw in helpers) raw.ToHelper.Dispose();
            while (helpers.Count > 0)
            {
                helpers[^1].Dispose();
                helpers.RemoveAt(helpers.Count - 1);
            }
            return Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }
        finally
        {
            foreach (var raw in helpers) raw.Dispose();
        }
    }

    // posix_spawn of the helper file with two plain pipes, one echo, its answer: no actor, no
    // reactor, no memfd. The reap after it is not timed.
    private static double RawLaunchUs(string helperFile, byte[] payload)
    {
        var start = Stopwatch.GetTimestamp();
        using var raw = RawSpawn.Start(helperFile);
        var client = new RawFrameClient(raw.ToHelper, raw.FromHelper);
        client.Queue("echo", payload);
        client.Send();
        client.ReadResponses(1);
        return BenchHelper.Us(start);
    }

    private static long ReadStatusKb(string field)
    {
        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith(field + ":"));
        return long.Parse(line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)[1]);
    }

    // The host's own CPU time (user + system, every thread; not its children's), from /proc/self/stat.
    private static double HostCpuMs() => ProcessCpuMs("self") ?? 0;

    // A helper's CPU time in ns precision: the sum of its live threads' run time (first field of
    // /proc/PID/task/TID/schedstat); /proc/PID/stat counts whole clock ticks (10 ms), more than a
    // helper's start-up takes. Threads that already ended are not counted.
    private static double? HelperCpuMs(int pid)
    {
        if (pid <= 0) return null;
        try
        {
            long ns = 0;
            foreach (var task in Directory.GetDirectories($"/proc/{pid}/task"))
            {
                var schedstat = File.ReadAllText(task + "/schedstat");
                ns += long.Parse(schedstat.AsSpan(0, schedstat.IndexOf(' ')), System.Globalization.CultureInfo.InvariantCulture);
            }
            return ns / 1e6;
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static double? ProcessCpuMs(string process)
    {
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{process}/stat");
        }
        catch (IOException)
        {
            return null;
        }
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        // utime and stime are fields 14 and 15 of stat, 12 and 13 after the name; in clock ticks (100 Hz).
        return (long.Parse(fields[11]) + long.Parse(fields[12])) * 10.0;
    }

    /// <summary>Samples the host's thread count every 10 ms and keeps the highest since the last reset,
    /// with the threads by owner when it was reached.</summary>
    private sealed class ThreadSampler : IDisposable
    {
        private readonly Timer _timer;
        private readonly object _peakGate = new();
        private int _max;
        private ThreadCensus _peak;

        public ThreadSampler() => _timer = new Timer(_ => Sample(), null, 0, 10);

        public int Max
        {
            get
            {
                Sample();
                return Volatile.Read(ref _max);
            }
        }

        /// <summary>The threads by owner when the count was highest (the largest census taken at a new highest count).</summary>
        public ThreadCensus Peak
        {
            get
            {
                lock (_peakGate) return _peak;
            }
        }

        public void Reset()
        {
            Volatile.Write(ref _max, 0);
            lock (_peakGate) _peak = default;
            Sample();
        }

        private void Sample()
        {
            var threads = (int)ReadStatusKb("Threads");
            int seen;
            while (threads > (seen = Volatile.Read(ref _max)) && Interlocked.CompareExchange(ref _max, threads, seen) != seen) { }
            if (threads <= seen) return;
            // A new highest count: who owns the threads now (a thread may end before it is named).
            var census = ThreadCensus.Take();
            lock (_peakGate)
            {
                if (census.Total >= _peak.Total) _peak = census;
            }
        }

        public void Dispose() => _timer.Dispose();
    }
}
