using System.Diagnostics;
using Akka.Actor;
using Akka.Configuration;
using UmhActors.Benchmarks.Infrastructure;
using UmhActors.Helpers;
using UmhActors.Native.Blobs;
using UmhActors.Native.Interop;
using UmhActors.Native.Launch;
using UmhActors.Native.Sandbox;
using UmhActors.Requests;

namespace UmhActors.Benchmarks.Suites;

/// <summary>
/// Launch-to-exit of a tiny executable (<c>true</c>): through the library from a sealed memfd
/// (<c>library</c>), from the file with System.Diagnostics.Process (<c>process</c>), and with a
/// bare posix_spawn + waitpid of the file (<c>raw</c>, the baseline). Variants are interleaved
/// round by round so machine noise hits them alike.
/// <para>Spawn to first reply of the NativeAOT test helper behind a <c>HelperActor</c>: unsandboxed
/// (<c>helper</c>) and in a sandbox (<c>sandboxed</c>: identity 65534, no_new_privs, Landlock with
/// nothing allowed, no network, the seccomp allow-list, four rlimits, and the host's /proc check
/// before the first request). Their p50 difference is what the sandbox costs a launch.</para>
/// </summary>
internal sealed class LaunchSuite : IBenchmarkSuite
{
    private const string TinyExecutable = "/usr/bin/true";

    public string Name => "launch";

    public async Task<IReadOnlyList<BenchmarkResult>> RunAsync(BenchmarkOptions options)
    {
        using var blob = HelperBlob.FromFile("true", TinyExecutable);
        var launchOptions = LaunchOptions.Default.WithStdio(StdioMode.Null);
        var rounds = options.Iterations(full: 2000, quick: 100);
        var warmup = options.Iterations(full: 100, quick: 10);

        var library = new List<double>(rounds);
        var process = new List<double>(rounds);
        var raw = new List<double>(rounds);
        var helper = new List<double>(rounds);
        var sandboxed = new List<double>(rounds);
        using var helperBlob = BenchHelper.Blob();
        var system = ActorSystem.Create("launch", ConfigurationFactory.ParseString("akka.loglevel = ERROR"));
        var sandbox = HelperSandbox.Default.WithoutNetwork().WithFileSystem()
            .WithLimits(openFiles: 256, cpuSeconds: 600, addressSpaceBytes: 64L << 30);
        if (File.ReadAllLines("/proc/self/status").Any(l => l.StartsWith("Uid:\t0\t", StringComparison.Ordinal))) sandbox = sandbox.WithIdentity(65534, 65534);
        var variants = new (List<double> Samples, Func<Task<double>> Run)[]
        {
            (helper, () => FirstReplyAsync(system, helperBlob, HelperOptions.Default)),
            (sandboxed, () => FirstReplyAsync(system, helperBlob, HelperOptions.Default.WithLaunch(LaunchOptions.Default.WithSandbox(sandbox)))),
            (library, () => TimedAsync(async () =>
            {
                await using var launched = HelperLauncher.Launch(blob, launchOptions);
                await launched.Exited;
            })),
            (process, () => TimedAsync(async () =>
            {
                using var child = Process.Start(new ProcessStartInfo(TinyExecutable) { UseShellExecute = false })!;
                await child.WaitForExitAsync();
            })),
            (raw, () => TimedAsync(() =>
            {
                RawSpawnAndWait();
                return Task.CompletedTask;
            })),
        };

        var order = new Random(15);
        try
        {
            for (var i = 0; i < warmup + rounds; i++)
            {
                // A fresh order each round: no variant always follows another (a helper's exit
                // overlapping the next launch would bias the one after it).
                foreach (var (samples, run) in variants.OrderBy(_ => order.Next()))
                {
                    var us = await run();
                    if (i >= warmup) samples.Add(us);
                }
            }
        }
        finally
        {
            await system.Terminate();
        }

        var results = new[]
        {
            BenchmarkResult.Latency("library", library),
            BenchmarkResult.Latency("process", process),
            BenchmarkResult.Latency("raw", raw),
            BenchmarkResult.Latency("helper", helper),
            BenchmarkResult.Latency("sandboxed", sandboxed),
        };
        Console.WriteLine($"  sandbox cost p50 = sandboxed - helper = {results[4]["p50_us"] - results[3]["p50_us"]:F0} us (helper {results[3]["p50_us"]:F0} us, sandboxed {results[4]["p50_us"]:F0} us)");
        Console.WriteLine($"  ratio library/raw p50 = {results[0]["p50_us"] / results[2]["p50_us"]:F2}, p99 = {results[0]["p99_us"] / results[2]["p99_us"]:F2}");
        Console.WriteLine($"  ratio library/process p50 = {results[0]["p50_us"] / results[1]["p50_us"]:F2}");
        return results;
    }

    private static async Task<double> TimedAsync(Func<Task> run)
    {
        var start = Stopwatch.GetTimestamp();
        await run();
        return BenchHelper.Us(start);
    }

    // ActorOf to the first answer (a request queued before $/hello, so it waits for the helper's
    // start, the sandbox check and the reply); the stop that follows is not timed.
    private static async Task<double> FirstReplyAsync(ActorSystem system, HelperBlob blob, HelperOptions options)
    {
        var start = Stopwatch.GetTimestamp();
        var actor = system.ActorOf(HelperActor.Props(blob, options));
        var pid = (await actor.Ask<HelperResponse>(new HelperRequest("pid", new byte[] { 0x90 }), TimeSpan.FromSeconds(30))).GetResult<int>();
        var us = BenchHelper.Us(start);
        await actor.GracefulStop(TimeSpan.FromSeconds(30));
        // The next variant must not pay for this helper's exit: wait until it is reaped.
        var deadline = Stopwatch.GetTimestamp() + Stopwatch.Frequency * 10;
        while (Directory.Exists($"/proc/{pid}") && Stopwatch.GetTimestamp() < deadline) await Task.Delay(1);
        return us;
    }

    private static unsafe void RawSpawnAndWait()
    {
        var path = "/usr/bin/true\0"u8;
        var argv0 = "true\0"u8;
        fixed (byte* p = path)
        fixed (byte* a = argv0)
        {
            var argv = stackalloc byte*[] { a, null };
            var envp = stackalloc byte*[] { null };
            int pid;
            var error = Libc.posix_spawn(&pid, p, null, null, argv, envp);
            if (error != 0) throw new InvalidOperationException($"posix_spawn failed: {error}");
            int status;
            while (Libc.waitpid(pid, &status, 0) == -1) { }
        }
    }
}
