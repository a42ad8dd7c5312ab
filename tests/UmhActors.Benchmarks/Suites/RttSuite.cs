using System.Diagnostics;
using Akka.Actor;
using Akka.Configuration;
using UmhActors.Benchmarks.Infrastructure;
using UmhActors.Helpers;
using UmhActors.Hosting;
using UmhActors.Requests;

namespace UmhActors.Benchmarks.Suites;

/// <summary>
/// Request/response round trips of a 32-byte echo with the NativeAOT test helper:
/// <c>actor</c> (<see cref="HelperClient.SendAsync"/> to a <see cref="HelperActor"/>, default options; <c>actor_no_poll</c> is the
/// same with response polling off, <c>actor_inline_no_poll</c> that with <see cref="HelperOptions.InlineCompletions"/>), <c>raw</c> (the same binary over two
/// blocking pipes on a dedicated thread, no actor, no reactor: the floor) and <c>process</c>
/// (System.Diagnostics.Process standard streams with async reads and writes, as a service would
/// use them by hand; <c>process_blocking</c> is the same with blocking calls, for reference). Latencies are measured in blocks of rounds, the variants rotating block
/// by block so that a noisy moment hits all of them;
/// pipelined throughput keeps a window of requests in flight (<c>actor_pipelined</c>: one <see cref="HelperClient.SendAsync"/> per
/// request; <c>actor_batch_pipelined</c>: the window as one <see cref="HelperRequestBatch"/> through
/// <see cref="HelperClient.SendBatchAsync"/>; <c>actor_inline_pipelined</c>: as <c>actor_pipelined</c> with
/// <see cref="HelperOptions.InlineCompletions"/>; <c>pool_pipelined</c>: as <c>actor_pipelined</c> through a
/// <see cref="Hosting.HelperPoolActor"/> of one helper; <c>raw_pipelined</c>). Every pipelined variant is
/// warmed up for 3 s first (<see cref="PipelinedRuns.WarmUpAsync"/>).
/// </summary>
internal sealed class RttSuite : IBenchmarkSuite
{
    private const int Window = 512;
    // About 40 bytes a request and its answer: a window that stays well inside a 64 KiB pipe each way.
    private const int MaxRawWindow = 1024;

    public string Name => "rtt";

    // windowSize callers, each sending its next request as soon as its last is answered, until `until`.
    private static async Task<long> SlidingWindowAsync(HelperClient client, HelperRequest request, int windowSize, long until)
    {
        var counts = await Task.WhenAll(Enumerable.Range(0, windowSize).Select(async _ =>
        {
            long n = 0;
            while (Stopwatch.GetTimestamp() < until)
            {
                await client.SendAsync(request).ConfigureAwait(false);
                n++;
            }
            return n;
        }));
        return counts.Sum();
    }

    public async Task<IReadOnlyList<BenchmarkResult>> RunAsync(BenchmarkOptions options)
    {
        var payload = BenchHelper.Payload32();
        var helperFile = BenchHelper.WriteToTempFile();
        using var blob = BenchHelper.Blob();
        // RTT_AKKA_CONFIG: more HOCON for the suite's ActorSystem (another dispatcher, say).
        var system = ActorSystem.Create("rtt", ConfigurationFactory.ParseString("akka.loglevel = WARNING\n" + Environment.GetEnvironmentVariable("RTT_AKKA_CONFIG")));
        try
        {
            var actor = system.ActorOf(HelperActor.Props(blob));
            await WaitReadyAsync(actor);
            // The same with response polling off: every answer comes through the reactor.
            var actorNoPoll = system.ActorOf(HelperActor.Props(blob, HelperOptions.Default.WithResponsePollBudget(TimeSpan.Zero)));
            await WaitReadyAsync(actorNoPoll);
            // Callers' tasks completed on the reactor's thread (no pool hop per read), polling off so every answer takes that path.
            var actorInline = system.ActorOf(HelperActor.Props(blob, HelperOptions.Default.WithResponsePollBudget(TimeSpan.Zero).WithInlineCompletions()));
            await WaitReadyAsync(actorInline);
            var request = new HelperRequest("echo", payload);
            // The actor variants call through HelperClient.SendAsync, as an application would.
            var actorClient = new HelperClient(actor);
            var noPollClient = new HelperClient(actorNoPoll);
            var inlineClient = new HelperClient(actorInline);

            // rtt --seconds N: only the actor's pipelined variant (RTT_PROFILE=batch: the batch one), for N seconds, for a profiler to
            // sample (dotnet-trace collect -- ... rtt --seconds 20); no figures are reported.
            if (options.Minutes is { } profileMinutes)
            {
                // RTT_WINDOW=N: another window than the suite's, to see what a window's fixed cost is.
                // RTT_BURN_US=N: the helper's "burn" method (N µs of CPU per request) instead of echo, raw and actor alike:
                // how the ratio moves once the helper does real work.
                var burnUs = int.TryParse(Environment.GetEnvironmentVariable("RTT_BURN_US"), out var b) && b > 0 ? b : 0;
                var (profileMethod, profileParams) = burnUs > 0 ? ("burn", MessagePack.MessagePackSerializer.Serialize(new object[] { burnUs })) : ("echo", payload);
                var profileRequest = new HelperRequest(profileMethod, profileParams);
                var profileWindowSize = int.TryParse(Environment.GetEnvironmentVariable("RTT_WINDOW"), out var w) && w > 0 ? w : Window;
                var until = Stopwatch.GetTimestamp() + (long)(profileMinutes * 60 * Stopwatch.Frequency);
                var done = 0L;
                // RTT_PROFILE=batch samples actor_batch_pipelined instead, RTT_PROFILE=raw raw_pipelined (for its CPU cost).
                var profileBatch = Environment.GetEnvironmentVariable("RTT_PROFILE") == "batch";
                // The raw client writes a whole window before it reads: past the pipes' capacity both sides would block on write.
                if (Environment.GetEnvironmentVariable("RTT_PROFILE") == "raw" && profileWindowSize > MaxRawWindow)
                    throw new ArgumentException($"RTT_PROFILE=raw takes RTT_WINDOW up to {MaxRawWindow}: the raw client writes the whole window before reading its answers");
                using var profileRaw = Environment.GetEnvironmentVariable("RTT_PROFILE") == "raw" ? RawSpawn.Start(helperFile) : null;
                var profileRawClient = profileRaw is null ? null : new RawFrameClient(profileRaw.ToHelper, profileRaw.FromHelper);
                profileRawClient?.WaitForHello();
                // RTT_POOL=N: through a HelperPoolActor of N helpers instead (as a hosted pool serves).
                var poolSize = int.TryParse(Environment.GetEnvironmentVariable("RTT_POOL"), out var n) && n > 0 ? n : 0;
                // RTT_INLINE=1: the actor with inline completions.
                var profileInline = Environment.GetEnvironmentVariable("RTT_INLINE") == "1";
                var profileTarget = poolSize > 0 ? system.ActorOf(HelperPoolActor.Props("rtt-pool", blob, poolSize, HelperOptions.Default)) : profileInline ? actorInline : actor;
                var profileClient = new HelperClient(profileTarget);
                if (poolSize > 0) await profileClient.SendAsync(profileRequest);
                var profileWindow = Enumerable.Repeat(profileRequest, profileWindowSize).ToArray();
                // RTT_ALLOCS=1: which types the path allocates (sampled), printed at the end.
                using var allocations = Environment.GetEnvironmentVariable("RTT_ALLOCS") == "1" ? new AllocationSampleListener() : null;
                // RTT_SLIDING=1: the window kept full (a request out per answer in) instead of windows one after another.
                var sliding = Environment.GetEnvironmentVariable("RTT_SLIDING") == "1";
                if (sliding && profileRawClient is not null)
                {
                    for (var j = 0; j < profileWindowSize; j++) profileRawClient.Queue(profileMethod, profileParams);
                    profileRawClient.Send();
                }
                var profileStart = Stopwatch.GetTimestamp();
                var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
                var gen0Before = GC.CollectionCount(0);
                var pausedBefore = GC.GetTotalPauseDuration();
                var gen1Before = GC.CollectionCount(1);
                var workItemsBefore = ThreadPool.CompletedWorkItemCount;
                while (Stopwatch.GetTimestamp() < until)
                {
                    if (profileRawClient is not null && sliding)
                    {
                        // Keeps the window full: one request out for each answer in.
                        var answered = profileRawClient.ReadSomeResponses();
                        for (var j = 0; j < answered; j++) profileRawClient.Queue(profileMethod, profileParams);
                        profileRawClient.Send();
                        done += answered;
                        continue;
                    }
                    if (sliding)
                    {
                        done += await SlidingWindowAsync(profileClient, profileRequest, profileWindowSize, until);
                        break;
                    }
                    if (profileRawClient is not null)
                    {
                        for (var j = 0; j < profileWindowSize; j++) profileRawClient.Queue(profileMethod, profileParams);
                        profileRawClient.Send();
                        profileRawClient.ReadResponses(profileWindowSize);
                    }
                    else if (profileBatch) await profileClient.SendBatchAsync(profileWindow);
                    else await Task.WhenAll(Enumerable.Range(0, profileWindowSize).Select(_ => profileClient.SendAsync(profileRequest)));
                    done += profileWindowSize;
                }
                Console.WriteLine($"  profile: {(profileRawClient is not null ? "raw_pipelined" : profileBatch ? "actor_batch_pipelined" : poolSize > 0 ? "pool_pipelined" : profileInline ? "actor_inline_pipelined" : "actor_pipelined")} {done / Stopwatch.GetElapsedTime(profileStart).TotalSeconds:F0}/s, " +
                    $"{(GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore) / (double)done:F0} bytes allocated per request (whole process), " +
                    $"gen0 {GC.CollectionCount(0) - gen0Before}, gen1 {GC.CollectionCount(1) - gen1Before} collections " +
                    $"(paused {(GC.GetTotalPauseDuration() - pausedBefore).TotalMilliseconds / Stopwatch.GetElapsedTime(profileStart).TotalMilliseconds:P1} of the time), " +
                    $"{(ThreadPool.CompletedWorkItemCount - workItemsBefore) / (double)done * profileWindowSize:F1} thread-pool work items per window of {profileWindowSize}, " +
                    $"{ThreadPool.ThreadCount} pool threads");
                if (allocations is not null) Console.WriteLine("  allocations sampled by type:\n" + allocations.Top(15));
                return [];
            }

            using var raw = RawSpawn.Start(helperFile);
            var rawClient = new RawFrameClient(raw.ToHelper, raw.FromHelper);
            rawClient.WaitForHello();

            using var process = Process.Start(new ProcessStartInfo(helperFile)
            {
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                UseShellExecute = false,
            })!;
            var processClient = new RawFrameClient(process.StandardInput.BaseStream, process.StandardOutput.BaseStream);
            processClient.WaitForHello();

            var rounds = options.Iterations(full: 20_000, quick: 500);
            var warmup = options.Iterations(full: 2_000, quick: 100);
            var actorUs = new List<double>(rounds);
            var rawUs = new List<double>(rounds);
            var processUs = new List<double>(rounds);
            var processBlockingUs = new List<double>(rounds);
            var actorNoPollUs = new List<double>(rounds);
            var actorInlineUs = new List<double>(rounds);
            // Each variant runs a block of round trips; blocks rotate so noise hits all alike.
            var variants = new Func<int, List<double>?, Task>[]
            {
                async (count, samples) =>
                {
                    for (var j = 0; j < count; j++)
                    {
                        var start = Stopwatch.GetTimestamp();
                        await actorClient.SendAsync(request);
                        samples?.Add(BenchHelper.Us(start));
                    }
                },
                // The floor: blocking calls on a thread of its own, as raw as .NET gets.
                (count, samples) => Task.Factory.StartNew(() =>
                {
                    for (var j = 0; j < count; j++)
                    {
                        var start = Stopwatch.GetTimestamp();
                        RoundTrip(rawClient, payload);
                        samples?.Add(BenchHelper.Us(start));
                    }
                }, TaskCreationOptions.LongRunning),
                async (count, samples) =>
                {
                    for (var j = 0; j < count; j++)
                    {
                        var start = Stopwatch.GetTimestamp();
                        processClient.Queue("echo", payload);
                        await processClient.SendAsync();
                        await processClient.ReadResponsesAsync(1);
                        samples?.Add(BenchHelper.Us(start));
                    }
                },
                (count, samples) => Task.Factory.StartNew(() =>
                {
                    for (var j = 0; j < count; j++)
                    {
                        var start = Stopwatch.GetTimestamp();
                        RoundTrip(processClient, payload);
                        samples?.Add(BenchHelper.Us(start));
                    }
                }, TaskCreationOptions.LongRunning),
                async (count, samples) =>
                {
                    for (var j = 0; j < count; j++)
                    {
                        var start = Stopwatch.GetTimestamp();
                        await noPollClient.SendAsync(request);
                        samples?.Add(BenchHelper.Us(start));
                    }
                },
                async (count, samples) =>
                {
                    for (var j = 0; j < count; j++)
                    {
                        var start = Stopwatch.GetTimestamp();
                        await inlineClient.SendAsync(request);
                        samples?.Add(BenchHelper.Us(start));
                    }
                },
            };
            var sampleLists = new[] { actorUs, rawUs, processUs, processBlockingUs, actorNoPollUs, actorInlineUs };
            const int block = 250;
            for (var i = 0; i < warmup + rounds; i += block)
            {
                for (var k = 0; k < variants.Length; k++)
                {
                    var v = (i / block + k) % variants.Length;
                    await variants[v](block, i >= warmup ? sampleLists[v] : null);
                }
            }

            var total = options.Iterations(full: 400_000, quick: 20_000);
            var rawPerS = new List<double>();
            var actorPerS = new List<double>();
            var batchPerS = new List<double>();
            var poolPerS = new List<double>();
            var inlinePerS = new List<double>();
            // The same through a HelperPoolActor of one helper, as a hosted pool serves (Akka.Hosting's WithHelperPool).
            var pool = system.ActorOf(HelperPoolActor.Props("rtt-pool-1", blob, 1, HelperOptions.Default));
            var poolClient = new HelperClient(pool);
            await poolClient.SendAsync(request);
            var windowOfRequests = Enumerable.Repeat(request, Window).ToArray();
            // Five rounds, the variants taking turns in a rotating order, so that a noisy moment (the
            // machine is shared) does not always hit the same one; the median round is reported.
            var windows = new Func<Task>[]
            {
                () =>
                {
                    for (var j = 0; j < Window; j++) rawClient.Queue("echo", payload);
                    rawClient.Send();
                    rawClient.ReadResponses(Window);
                    return Task.CompletedTask;
                },
                () => Task.WhenAll(Enumerable.Range(0, Window).Select(_ => actorClient.SendAsync(request))),
                async () =>
                {
                    var results = await actorClient.SendBatchAsync(windowOfRequests);
                    if (!results[^1].IsSuccess) results[^1].GetResponse();
                },
                () => Task.WhenAll(Enumerable.Range(0, Window).Select(_ => poolClient.SendAsync(request))),
                () => Task.WhenAll(Enumerable.Range(0, Window).Select(_ => inlineClient.SendAsync(request))),
            };
            var perS = new[] { rawPerS, actorPerS, batchPerS, poolPerS, inlinePerS };
            await PipelinedRuns.WarmUpAsync(windows, options.Quick ? TimeSpan.FromSeconds(0.2) : TimeSpan.FromSeconds(3));
            for (var round = 0; round < 5; round++)
            {
                for (var k = 0; k < windows.Length; k++)
                {
                    var v = (round + k) % windows.Length;
                    perS[v].Add(await PipelinedRuns.MeasureAsync(total, Window, windows[v]));
                }
            }

            var results = new List<BenchmarkResult>
            {
                BenchmarkResult.Latency("actor", actorUs),
                BenchmarkResult.Latency("raw", rawUs),
                BenchmarkResult.Latency("process", processUs),
                BenchmarkResult.Latency("process_blocking", processBlockingUs),
                BenchmarkResult.Latency("actor_no_poll", actorNoPollUs),
                BenchmarkResult.Latency("actor_inline_no_poll", actorInlineUs),
                BenchmarkResult.Throughput("actor_pipelined", Median(actorPerS), total),
                BenchmarkResult.Throughput("raw_pipelined", Median(rawPerS), total),
                BenchmarkResult.Throughput("actor_batch_pipelined", Median(batchPerS), total),
                BenchmarkResult.Throughput("pool_pipelined", Median(poolPerS), total),
                BenchmarkResult.Throughput("actor_inline_pipelined", Median(inlinePerS), total),
            };
            var pipelinedActor = results.Single(r => r.Name == "actor_pipelined");
            var pipelinedRaw = results.Single(r => r.Name == "raw_pipelined");
            Console.WriteLine($"  ratio actor/raw p50 = {results[0]["p50_us"] / results[1]["p50_us"]:F2}, p99 = {results[0]["p99_us"] / results[1]["p99_us"]:F2}");
            Console.WriteLine($"  ratio actor/process p50 = {results[0]["p50_us"] / results[2]["p50_us"]:F2}");
            Console.WriteLine($"  ratio actor_no_poll/process p50 = {results[4]["p50_us"] / results[2]["p50_us"]:F2}");
            Console.WriteLine($"  ratio actor_inline_no_poll/actor_no_poll p50 = {results[5]["p50_us"] / results[4]["p50_us"]:F2}, p99 = {results[5]["p99_us"] / results[4]["p99_us"]:F2}");
            Console.WriteLine($"  pipelined actor/raw = {pipelinedActor["per_s"] / pipelinedRaw["per_s"]:F2} (window {Window}, rounds {string.Join(" / ", actorPerS.Select(v => v.ToString("F0")))})");
            Console.WriteLine($"  pipelined actor_batch/raw = {Median(batchPerS) / pipelinedRaw["per_s"]:F2} (rounds {string.Join(" / ", batchPerS.Select(v => v.ToString("F0")))})");
            Console.WriteLine($"  pipelined pool/raw = {Median(poolPerS) / pipelinedRaw["per_s"]:F2} (rounds {string.Join(" / ", poolPerS.Select(v => v.ToString("F0")))})");
            Console.WriteLine($"  pipelined actor_inline/raw = {Median(inlinePerS) / pipelinedRaw["per_s"]:F2} (rounds {string.Join(" / ", inlinePerS.Select(v => v.ToString("F0")))})");
            return results;
        }
        finally
        {
            await system.Terminate();
            File.Delete(helperFile);
        }
    }

    private static void RoundTrip(RawFrameClient client, byte[] payload)
    {
        client.Queue("echo", payload);
        client.Send();
        client.ReadResponses(1);
    }

    private static double Median(List<double> values) => Percentiles.Of(values, 50);

    private static async Task WaitReadyAsync(IActorRef actor)
    {
        while (!(await actor.Ask<HelperStatus>(GetHelperStatus.Instance, TimeSpan.FromSeconds(10))).Ready)
            await Task.Delay(10);
    }
}
