using System.Buffers;
using System.Diagnostics;
using Akka.Actor;
using Akka.Configuration;
using CliWrap;
using UmhActors.Benchmarks.Infrastructure;
using UmhActors.Helpers;
using UmhActors.Native.Blobs;
using UmhActors.Native.OneShot;
using UmhActors.Protocol.Framing;
using UmhActors.Requests;

namespace UmhActors.Benchmarks.Suites;

/// <summary>
/// The library beside what a user would otherwise write, in one run, on the same echo of the same
/// 32-byte payload:
/// <list type="bullet">
/// <item><c>streamjsonrpc</c>: StreamJsonRpc with its MessagePack formatter over a child's
/// stdin/stdout (the child is StreamJsonRpc too: tests/Helpers/UmhActors.StreamJsonRpcPeer);</item>
/// <item><c>process</c>: System.Diagnostics.Process with hand-written msgpack-rpc framing, async
/// reads and writes, on the test helper;</item>
/// <item><c>actor</c> (<see cref="HelperClient.SendAsync"/> to a <see cref="HelperActor"/>) and <c>raw</c> (blocking pipes on a
/// dedicated thread, the floor), on the test helper; pipelined also <c>actor_inline</c>, the actor with
/// <see cref="HelperOptions.InlineCompletions"/>.</item>
/// </list>
/// Round-trip latencies rotate block by block; pipelined throughput keeps a window of requests in
/// flight (<c>*_pipelined</c>), the variants taking turns round by round. One process per call
/// (<c>cliwrap_per_call</c>: CliWrap runs the test helper, pipes one echo request into its stdin
/// and reads the answer; <c>umh_call_per_call</c>: <see cref="UserModeHelper.CallAsync(HelperBlob, IReadOnlyList{string}, IReadOnlyList{string}?, UmhWait, CancellationToken)"/>
/// of the same helper from its memfd to its exit, stdin at /dev/null) against one request to a
/// warm helper actor (<c>actor_warm_call</c>): calls per second, one call at a time.
/// </summary>
internal sealed class PeersSuite : IBenchmarkSuite
{
    private const int Window = 512;
    private const int Block = 250;

    public string Name => "peers";

    public async Task<IReadOnlyList<BenchmarkResult>> RunAsync(BenchmarkOptions options)
    {
        var payload = BenchHelper.Payload32();
        var rpcPayload = new byte[32];
        var helperFile = BenchHelper.WriteToTempFile();
        using var blob = BenchHelper.Blob();
        var system = ActorSystem.Create("peers", ConfigurationFactory.ParseString("akka.loglevel = WARNING"));
        try
        {
            var actor = system.ActorOf(HelperActor.Props(blob));
            await WaitReadyAsync(actor);
            var request = new HelperRequest("echo", payload);
            // The actor variants call through HelperClient.SendAsync, as an application would (as in rtt).
            var actorClient = new HelperClient(actor);
            var actorInline = system.ActorOf(HelperActor.Props(blob, HelperOptions.Default.WithInlineCompletions()));
            await WaitReadyAsync(actorInline);
            var inlineClient = new HelperClient(actorInline);

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

            using var peer = StreamJsonRpcPeer.Start();
            await peer.EchoAsync(rpcPayload);

            // Round trips, one at a time.
            var latency = new (string Name, List<double> Samples, Func<int, List<double>?, Task> Run)[]
            {
                ("actor", [], async (count, samples) =>
                {
                    for (var j = 0; j < count; j++)
                    {
                        var start = Stopwatch.GetTimestamp();
                        await actorClient.SendAsync(request);
                        samples?.Add(BenchHelper.Us(start));
                    }
                }),
                ("raw", [], (count, samples) => Task.Factory.StartNew(() =>
                {
                    for (var j = 0; j < count; j++)
                    {
                        var start = Stopwatch.GetTimestamp();
                        rawClient.Queue("echo", payload);
                        rawClient.Send();
                        rawClient.ReadResponses(1);
                        samples?.Add(BenchHelper.Us(start));
                    }
                }, TaskCreationOptions.LongRunning)),
                ("process", [], async (count, samples) =>
                {
                    for (var j = 0; j < count; j++)
                    {
                        var start = Stopwatch.GetTimestamp();
                        processClient.Queue("echo", payload);
                        await processClient.SendAsync();
                        await processClient.ReadResponsesAsync(1);
                        samples?.Add(BenchHelper.Us(start));
                    }
                }),
                ("streamjsonrpc", [], async (count, samples) =>
                {
                    for (var j = 0; j < count; j++)
                    {
                        var start = Stopwatch.GetTimestamp();
                        await peer.EchoAsync(rpcPayload);
                        samples?.Add(BenchHelper.Us(start));
                    }
                }),
            };
            var rounds = options.Iterations(full: 20_000, quick: 1_000);
            var warmup = options.Iterations(full: 2_000, quick: 250);
            for (var i = 0; i < warmup + rounds; i += Block)
            {
                for (var k = 0; k < latency.Length; k++)
                {
                    var v = latency[(i / Block + k) % latency.Length];
                    await v.Run(Block, i >= warmup ? v.Samples : null);
                }
            }

            // Pipelined: a window of requests in flight, the variants taking turns.
            var total = options.Iterations(full: 200_000, quick: 10_240);
            var pipelined = new (string Name, List<double> PerS, Func<Task> Window)[]
            {
                ("actor_pipelined", [], () => Task.WhenAll(Enumerable.Range(0, Window).Select(_ => actorClient.SendAsync(request)))),
                ("actor_inline_pipelined", [], () => Task.WhenAll(Enumerable.Range(0, Window).Select(_ => inlineClient.SendAsync(request)))),
                // Blocking calls on the caller's thread, as in the rtt suite (no thread per window).
                ("raw_pipelined", [], () =>
                {
                    for (var j = 0; j < Window; j++) rawClient.Queue("echo", payload);
                    rawClient.Send();
                    rawClient.ReadResponses(Window);
                    return Task.CompletedTask;
                }),
                ("process_pipelined", [], async () =>
                {
                    for (var j = 0; j < Window; j++) processClient.Queue("echo", payload);
                    await processClient.SendAsync();
                    await processClient.ReadResponsesAsync(Window);
                }),
                ("streamjsonrpc_pipelined", [], () => Task.WhenAll(Enumerable.Range(0, Window).Select(_ => peer.EchoAsync(rpcPayload)))),
            };
            await PipelinedRuns.WarmUpAsync(pipelined.Select(v => v.Window), options.Quick ? TimeSpan.FromSeconds(0.2) : TimeSpan.FromSeconds(3));
            for (var round = 0; round < 3; round++)
            {
                foreach (var v in pipelined)
                {
                    // StreamJsonRpc is far slower: a tenth of the requests keeps the turns alike in length.
                    v.PerS.Add(await PipelinedRuns.MeasureAsync(PipelinedCount(v.Name, total), Window, v.Window));
                }
            }

            // One process per call against a warm actor, one call at a time.
            var frame = RequestFrame(payload);
            var argv = new[] { "testhelper" };
            var calls = options.Iterations(full: 300, quick: 30);
            var perCall = new (string Name, int Count, List<double> Samples, Func<Task> Call)[]
            {
                ("cliwrap_per_call", calls, [], async () =>
                {
                    var stdout = new MemoryStream();
                    await Cli.Wrap(helperFile)
                        .WithStandardInputPipe(PipeSource.FromBytes(frame))
                        .WithStandardOutputPipe(PipeTarget.ToStream(stdout))
                        .WithValidation(CommandResultValidation.ZeroExitCode)
                        .ExecuteAsync();
                    if (!HasResponse(stdout.ToArray())) throw new InvalidOperationException("the helper run by CliWrap did not answer");
                }),
                ("umh_call_per_call", calls, [], async () =>
                {
                    var result = await UserModeHelper.CallAsync(blob, argv, null, UmhWait.WaitProc);
                    if (result.Exit is null) throw new InvalidOperationException("UserModeHelper.CallAsync returned before the exit");
                }),
                ("actor_warm_call", calls * 20, [], () => actorClient.SendAsync(request)),
            };
            const int perCallBlocks = 5;
            for (var b = 0; b < perCallBlocks + 1; b++)
            {
                foreach (var v in perCall)
                {
                    var n = Math.Max(1, v.Count / perCallBlocks);
                    for (var j = 0; j < n; j++)
                    {
                        var start = Stopwatch.GetTimestamp();
                        await v.Call();
                        if (b > 0) v.Samples.Add(BenchHelper.Us(start)); // block 0 warms up
                    }
                }
            }

            var results = new List<BenchmarkResult>();
            results.AddRange(latency.Select(v => BenchmarkResult.Latency(v.Name, v.Samples)));
            results.AddRange(pipelined.Select(v => BenchmarkResult.Throughput(v.Name, Percentiles.Of(v.PerS, 50), PipelinedCount(v.Name, total))));
            results.AddRange(perCall.Select(v => new BenchmarkResult(v.Name, new Dictionary<string, double>
            {
                // Calls one at a time: the rate is the inverse of the mean call time.
                ["per_s"] = 1e6 / v.Samples.Average(),
                ["p50_us"] = Percentiles.Of(v.Samples, 50),
                ["p99_us"] = Percentiles.Of(v.Samples, 99),
                ["n"] = v.Samples.Count,
            })));
            PrintRatios(results);
            return results;
        }
        finally
        {
            await system.Terminate();
            File.Delete(helperFile);
        }
    }

    private static void PrintRatios(List<BenchmarkResult> results)
    {
        BenchmarkResult R(string name) => results.Single(r => r.Name == name);
        foreach (var other in new[] { "raw", "process", "streamjsonrpc" })
            Console.WriteLine($"  ratio actor/{other} p50 = {R("actor")["p50_us"] / R(other)["p50_us"]:F2}, p99 = {R("actor")["p99_us"] / R(other)["p99_us"]:F2}, pipelined = {R("actor_pipelined")["per_s"] / R(other + "_pipelined")["per_s"]:F2}");
        Console.WriteLine($"  pipelined actor_inline/process = {R("actor_inline_pipelined")["per_s"] / R("process_pipelined")["per_s"]:F2}, actor_inline/raw = {R("actor_inline_pipelined")["per_s"] / R("raw_pipelined")["per_s"]:F2}");
        Console.WriteLine($"  calls/s actor_warm_call/cliwrap_per_call = {R("actor_warm_call")["per_s"] / R("cliwrap_per_call")["per_s"]:F0}x, actor_warm_call/umh_call_per_call = {R("actor_warm_call")["per_s"] / R("umh_call_per_call")["per_s"]:F0}x, umh_call/cliwrap = {R("umh_call_per_call")["per_s"] / R("cliwrap_per_call")["per_s"]:F2}");
    }

    private static int PipelinedCount(string name, int total) =>
        name.StartsWith("streamjsonrpc", StringComparison.Ordinal) ? Math.Max(Window, total / 10) : total;

    private static byte[] RequestFrame(byte[] payload)
    {
        var writer = new ArrayBufferWriter<byte>();
        FrameWriter.WriteRequest(writer, 1, "echo", payload);
        return writer.WrittenSpan.ToArray();
    }

    private static bool HasResponse(byte[] stdout)
    {
        var decoder = new FrameDecoder();
        var sequence = new ReadOnlySequence<byte>(stdout);
        while (decoder.TryDecode(ref sequence, out var frame))
            if (frame.Kind == FrameKind.Response) return true;
        return false;
    }

    private static async Task WaitReadyAsync(IActorRef actor)
    {
        while (!(await actor.Ask<HelperStatus>(GetHelperStatus.Instance, TimeSpan.FromSeconds(10))).Ready)
            await Task.Delay(10);
    }
}
