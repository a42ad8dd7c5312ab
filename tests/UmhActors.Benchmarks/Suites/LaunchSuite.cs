using System.Diagnostics;
using UmhActors.Benchmarks.Infrastructure;
using UmhActors.Native.Blobs;
using UmhActors.Native.Interop;
using UmhActors.Native.Launch;

namespace UmhActors.Benchmarks.Suites;

/// <summary>
/// Launch-to-exit of a tiny executable (<c>true</c>): through the library from a sealed memfd
/// (<c>library</c>), from the file with System.Diagnostics.Process (<c>process</c>), and with a
/// bare posix_spawn + waitpid of the file (<c>raw</c>, the baseline). Variants are interleaved
/// round by round so machine noise hits them alike.
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
        var variants = new (List<double> Samples, Func<Task> Run)[]
        {
            (library, async () =>
            {
                await using var helper = HelperLauncher.Launch(blob, launchOptions);
                await helper.Exited;
            }),
            (process, async () =>
            {
                using var child = Process.Start(new ProcessStartInfo(TinyExecutable) { UseShellExecute = false })!;
                await child.WaitForExitAsync();
            }),
            (raw, () =>
            {
                RawSpawnAndWait();
                return Task.CompletedTask;
            }),
        };

        for (var i = 0; i < warmup + rounds; i++)
        {
            // Rotate the order each round so no variant always runs first after a pause.
            for (var k = 0; k < variants.Length; k++)
            {
                var (samples, run) = variants[(i + k) % variants.Length];
                var start = Stopwatch.GetTimestamp();
                await run();
                var us = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
                if (i >= warmup) samples.Add(us);
            }
        }

        var results = new[]
        {
            BenchmarkResult.Latency("library", library),
            BenchmarkResult.Latency("process", process),
            BenchmarkResult.Latency("raw", raw),
        };
        Console.WriteLine($"  ratio library/raw p50 = {results[0]["p50_us"] / results[2]["p50_us"]:F2}, p99 = {results[0]["p99_us"] / results[2]["p99_us"]:F2}");
        Console.WriteLine($"  ratio library/process p50 = {results[0]["p50_us"] / results[1]["p50_us"]:F2}");
        return results;
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
