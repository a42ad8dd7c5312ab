using System.Collections.Concurrent;
using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;
using Akka.Actor;
using Akka.Event;
using UmhActors.Failures;
using UmhActors.Helpers;
using UmhActors.Native.Blobs;
using UmhActors.Native.Cgroups;
using UmhActors.Native.Launch;
using UmhActors.Requests;
using UmhActors.Supervision;

namespace UmhActors.Chaos;

/// <summary>
/// The chaos run shared by the benchmark's <c>chaos</c> suite and its short test: helper actors
/// serving many concurrent callers while a monkey SIGKILLs, SIGSEGVs (twice: the NativeAOT runtime
/// swallows the first) and SIGSTOPs helpers, makes them crash or exit in-band, and opens fd bursts
/// that make launches fail for want of fds. Every answer is checked; the report says what broke.
/// </summary>
internal sealed class ChaosRun
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(2);

    // An answer may arrive this much after the request's timeout (the actor's timer, a busy machine).
    private static readonly TimeSpan AnswerSlack = TimeSpan.FromSeconds(2);

    private readonly ActorSystem _system;
    private readonly ChaosSettings _settings;
    private readonly ChaosTimeline _timeline = new();
    private readonly string _name = "chaos" + Guid.NewGuid().ToString("N")[..8];
    private readonly ConcurrentDictionary<string, int> _violations = new();
    private readonly ConcurrentDictionary<string, int> _faults = new();
    private readonly Random _random;
    private long _requests, _correct, _typedFailures, _strayAnswers;

    private ChaosRun(ActorSystem system, ChaosSettings settings)
    {
        _system = system;
        _settings = settings;
        _random = new Random(settings.Seed);
    }

    /// <summary>Runs the chaos against helpers made from the <c>testhelper</c> blob embedded in
    /// <paramref name="helperAssembly"/> and returns what was seen.</summary>
    public static Task<ChaosReport> RunAsync(ActorSystem system, Assembly helperAssembly, ChaosSettings settings, Action<string>? log = null) =>
        new ChaosRun(system, settings).RunAsync(helperAssembly, log ?? (_ => { }));

    private async Task<ChaosReport> RunAsync(Assembly helperAssembly, Action<string> log)
    {
        byte[] bytes;
        using (var resource = helperAssembly.GetManifestResourceStream(HelperBlob.EmbeddedHelperResourcePrefix + "testhelper")!)
        using (var copy = new MemoryStream())
        {
            resource.CopyTo(copy);
            bytes = copy.ToArray();
        }
        var blob = HelperBlob.FromBytes(_name, bytes);
        var recorder = _system.ActorOf(Props.Create(() => new EventRecorder(this)));
        _system.EventStream.Subscribe(recorder, typeof(HelperSupervisionDecision));
        _system.EventStream.Subscribe(recorder, typeof(DeadLetter));

        // Reserve: just below what is free now, so an fd burst of BurstFds makes launches fail
        // (transiently) without bringing this process near its real limit.
        var freeFds = FdLimit() - OpenFds();
        var reserve = (int)Math.Max(LaunchOptions.DefaultFdReserve, freeFds - _settings.BurstFds / 2);
        var options = HelperOptions.Default
            .WithLaunch(LaunchOptions.Default.WithFdReserve(reserve).WithMemoryLimit(256L << 20, ignoreIfUnavailable: true))
            .WithRequestTimeout(RequestTimeout)
            .WithWatchdog(TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(1))
            .WithSupervision(ChaosPolicy());

        var helpers = Enumerable.Range(0, _settings.Helpers).Select(i => _system.ActorOf(HelperActor.Props(blob, options), $"{_name}-{i}")).ToArray();
        foreach (var helper in helpers) await ServesAsync(helper, TimeSpan.FromSeconds(30));
        var baselineFds = OpenFds();
        // RSS is compared from the end of a warm-up (a tenth of the run, at least 5 s) to the end:
        // the first seconds grow the heaps to their working size, which is not a leak. Both readings
        // follow a full blocking GC, so garbage not yet collected at either moment does not count,
        // and an aggressive one: a compacting GC leaves the regions it emptied committed, to be
        // decommitted over the next seconds, so a reading right after it counts them at random.
        long baselineRss = 0, baselineCompactingRss = 0;
        log($"chaos: {_settings.Helpers} helpers, {_settings.Callers} callers, {_settings.Duration.TotalSeconds:F0} s; fd reserve {reserve}, burst {_settings.BurstFds}; " +
            $"cgroups: {CgroupSupport.Current.IsAvailable}");

        var clock = Stopwatch.StartNew();
        _timeline.Start(clock);
        using var stop = new CancellationTokenSource(_settings.Duration);
        var callers = Enumerable.Range(0, _settings.Callers).Select(c => Task.Run(() => CallerAsync(helpers, c, stop.Token))).ToArray();
        var monkey = Task.Run(() => MonkeyAsync(helpers, stop.Token));
        var warmUp = TimeSpan.FromTicks(Math.Max(TimeSpan.FromSeconds(5).Ticks, _settings.Duration.Ticks / 10));
        var rssBaseline = Task.Run(async () =>
        {
            await Task.Delay(warmUp, stop.Token).ContinueWith(_ => { });
            Volatile.Write(ref baselineCompactingRss, RssAfterFullGc());
            Volatile.Write(ref baselineRss, await LeastRssAsync());
            _settings.MemoryMark?.Invoke("warm-up end");
            for (var minute = 1; _settings.MemoryMark is not null && !stop.IsCancellationRequested; minute++)
            {
                var untilMinute = TimeSpan.FromMinutes(minute) - clock.Elapsed;
                if (untilMinute > TimeSpan.Zero) await Task.Delay(untilMinute, stop.Token).ContinueWith(_ => { });
                if (stop.IsCancellationRequested) break;
                if (clock.Elapsed <= warmUp) continue;
                RssAfterAggressiveGc();
                _settings.MemoryMark($"minute {minute}");
            }
        });
        var progress = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromSeconds(10), stop.Token).ContinueWith(_ => { });
                log($"  {clock.Elapsed.TotalSeconds,5:F0} s: {Interlocked.Read(ref _requests)} requests, {Interlocked.Read(ref _correct)} right, " +
                    $"{Interlocked.Read(ref _typedFailures)} typed failures, {_violations.Values.Sum()} violations, rss {RssBytes() >> 20} MiB, " +
                    $"managed heap {GC.GetTotalMemory(false) >> 20} MiB, threads {ThreadPool.ThreadCount}");
                if (_settings.MemoryProbe is { } probe) log("    " + probe());
            }
        });
        await Task.WhenAll(callers.Append(monkey).Append(progress).Append(rssBaseline));
        var chaosSeconds = clock.Elapsed.TotalSeconds;

        // Afterwards every helper must serve again, with nothing done by hand.
        var recovered = 0;
        foreach (var helper in helpers)
            if (await ServesAsync(helper, TimeSpan.FromSeconds(30))) recovered++;
        var endCompactingRss = RssAfterFullGc();
        var endRss = await LeastRssAsync();
        _settings.MemoryMark?.Invoke("end");
        var fdsAfterChaos = OpenFds();

        foreach (var helper in helpers)
        {
            try
            {
                await helper.GracefulStop(TimeSpan.FromSeconds(10));
            }
            catch (TaskCanceledException)
            {
                _violations.AddOrUpdate("helper actor did not stop", 1, (_, n) => n + 1);
            }
        }
        blob.Dispose();
        // The helpers end after their actors (SIGTERM, grace, reap): wait, then count what is left.
        var leftProcesses = await SettleAsync(() => ChildHelpers().Count);
        var leftCgroups = await SettleAsync(() => HelperCgroupDirectories().Count);
        var leftMemfds = await SettleAsync(() => OwnMemfds());
        var leftFds = await SettleAsync(() => Math.Max(0, OpenFds() - baselineFds - _settings.FdSlack));
        _system.Stop(recorder);

        return new ChaosReport(
            Seconds: chaosSeconds,
            Requests: Interlocked.Read(ref _requests),
            Correct: Interlocked.Read(ref _correct),
            TypedFailures: Interlocked.Read(ref _typedFailures),
            StrayAnswers: Interlocked.Read(ref _strayAnswers),
            Violations: new Dictionary<string, int>(_violations),
            Faults: new Dictionary<string, int>(_faults),
            Restarts: _timeline.TotalRestarts,
            HelpersServingAfterwards: recovered,
            Helpers: helpers.Length,
            LeftProcesses: leftProcesses,
            LeftCgroups: leftCgroups,
            LeftMemfds: leftMemfds,
            FdsBefore: baselineFds,
            FdsAfterChaos: fdsAfterChaos,
            LeftFdsBeyondSlack: leftFds,
            RssBeforeBytes: baselineRss,
            RssAfterBytes: endRss,
            Timeline: _timeline.Seconds())
        {
            RssAfterCompactingGc = (Volatile.Read(ref baselineCompactingRss), endCompactingRss),
        };
    }

    // Kills by the monkey count as faults to restart from, not as an administrator's decision.
    private static HelperSupervisionPolicy ChaosPolicy()
    {
        var restart = new HelperKindPolicy(HelperDirective.Restart,
            new HelperBackoff(TimeSpan.FromMilliseconds(20), TimeSpan.FromMilliseconds(500), 0.2, TimeSpan.FromSeconds(5)),
            new RestartIntensity(100_000, TimeSpan.FromMinutes(1)));
        var policy = HelperSupervisionPolicy.Default;
        foreach (var kind in Enum.GetValues<HelperFailureKind>())
            if (kind != HelperFailureKind.LaunchFailed) policy = policy.With(kind, restart);
        return policy;
    }

    private async Task CallerAsync(IActorRef[] helpers, int caller, CancellationToken stop)
    {
        var random = new Random(_settings.Seed * 1000 + caller);
        while (!stop.IsCancellationRequested)
        {
            var helper = helpers[random.Next(helpers.Length)];
            var echo = random.Next(2) == 0;
            var a = random.Next(1_000_000);
            var b = random.Next(1_000_000);
            var payload = new byte[random.Next(1, 64)];
            random.NextBytes(payload);
            var request = echo
                ? HelperRequest.Create("echo", new object[] { payload }, timeout: RequestTimeout)
                : HelperRequest.Create("add", new[] { a, b }, timeout: RequestTimeout);
            var started = Stopwatch.GetTimestamp();
            Interlocked.Increment(ref _requests);
            string? failure = null;
            var right = false;
            try
            {
                var response = await new HelperClient(helper).SendAsync(request);
                right = echo ? response.GetResult<byte[][]>() is [var back] && back.AsSpan().SequenceEqual(payload) : response.GetResult<long>() == (long)a + b;
                if (!right) Violation("wrong answer");
            }
            catch (Exception e) when (IsTyped(e))
            {
                failure = e.GetType().Name;
            }
            catch (Exception e)
            {
                Violation("untyped failure: " + e.GetType().Name);
            }
            if (Stopwatch.GetElapsedTime(started) > RequestTimeout + AnswerSlack) Violation("answer later than the request's timeout");
            if (right)
            {
                Interlocked.Increment(ref _correct);
                _timeline.Answered();
            }
            else if (failure is not null)
            {
                Interlocked.Increment(ref _typedFailures);
                _timeline.Failed(failure);
            }
        }
    }

    // A typed failure: one of the library's own request and helper failure types.
    private static bool IsTyped(Exception e) => e is HelperFailureException or HelperTimeoutException or HelperStoppedException
        or HelperOverloadedException or HelperErrorException;

    private async Task MonkeyAsync(IActorRef[] helpers, CancellationToken stop)
    {
        var all = new (string Kind, Func<IActorRef, Task<string?>> Inject)[]
        {
            ("sigkill", h => SignalAsync(h, "SIGKILL", 9)),
            ("sigsegv", h => SignalAsync(h, "SIGSEGV", 11, 11)),
            ("sigstop", h => SignalAsync(h, "SIGSTOP", 19)),
            ("crash", h => InBandAsync(h, "crash", Array.Empty<int>())),
            ("exit", h => InBandAsync(h, "exit", new[] { 3 })),
            ("fdburst", h => FdBurstAsync(h, stop)),
        };
        var faults = all.Where(f => _settings.Faults is null || _settings.Faults.Contains(f.Kind)).Select(f => f.Inject).ToArray();
        // The kinds take turns (the helper is random): a short run still sees each kind several times.
        for (var turn = 0; !stop.IsCancellationRequested; turn++)
        {
            await Task.Delay(_settings.FaultInterval, stop).ContinueWith(_ => { });
            if (stop.IsCancellationRequested) break;
            int index;
            lock (_random) index = _random.Next(helpers.Length);
            var fault = await faults[turn % faults.Length](helpers[index]);
            if (fault is not null) RecordFault(fault);
        }
    }

    private void RecordFault(string fault)
    {
        _faults.AddOrUpdate(fault, 1, (_, n) => n + 1);
        _timeline.Fault(fault);
    }

    private async Task<string?> SignalAsync(IActorRef helper, string name, params int[] signals)
    {
        HelperStatus status;
        try
        {
            status = await helper.Ask<HelperStatus>(GetHelperStatus.Instance, TimeSpan.FromSeconds(5));
        }
        catch (AskTimeoutException)
        {
            return null; // the actor is gone (the end-of-run check reports it) or far behind
        }
        if (!status.Ready || status.Pid <= 0) return null;
        foreach (var signal in signals)
        {
            // Only our own helper: a pid reaped meanwhile may belong to anyone by now.
            if (!IsOurHelper(status.Pid) || kill(status.Pid, signal) != 0) return null;
            if (signals.Length > 1) await Task.Delay(50);
        }
        return name;
    }

    // Counted when it took effect: the call fails with the helper's crash or exit. One sent to a
    // helper that was stopped or killed meanwhile ends otherwise and is no fault of its own.
    private Task<string?> InBandAsync<T>(IActorRef helper, string method, T parameters)
    {
        var call = new HelperClient(helper).SendAsync(HelperRequest.Create(method, parameters, timeout: RequestTimeout));
        var crash = method == "crash";
        _ = call.ContinueWith(t =>
        {
            if (crash ? t.Exception?.InnerException is HelperCrashedException : t.Exception?.InnerException is HelperFailedException)
                RecordFault(crash ? "in-band crash" : "exit 3");
        }, TaskScheduler.Default);
        return Task.FromResult<string?>(null);
    }

    // Holds fds until fewer than the launch reserve are free, so launches in the meantime fail
    // transiently (one is provoked: a helper killed meanwhile restarts into the shortage), then
    // frees them: the helpers that could not start must recover by themselves.
    private async Task<string?> FdBurstAsync(IActorRef helper, CancellationToken stop)
    {
        var held = new List<Microsoft.Win32.SafeHandles.SafeFileHandle>(_settings.BurstFds);
        try
        {
            for (var i = 0; i < _settings.BurstFds; i++) held.Add(File.OpenHandle("/dev/null"));
            // The launch reserve check trusts a count younger than 100 ms.
            await Task.Delay(120, stop).ContinueWith(_ => { });
            if (await SignalAsync(helper, "SIGKILL", 9) is not null) _faults.AddOrUpdate("SIGKILL", 1, (_, n) => n + 1);
            await Task.Delay(_settings.BurstLength, stop).ContinueWith(_ => { });
        }
        finally
        {
            foreach (var handle in held) handle.Dispose();
        }
        return "fd burst";
    }

    private async Task<bool> ServesAsync(IActorRef helper, TimeSpan within)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(within.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < deadline)
        {
            try
            {
                if (await new HelperClient(helper).CallAsync<int[], long>("add", [20, 22]) == 42) return true;
            }
            catch (Exception e) when (IsTyped(e) || e is AskTimeoutException)
            {
                await Task.Delay(50);
            }
        }
        return false;
    }

    private void Violation(string what) => _violations.AddOrUpdate(what, 1, (_, n) => n + 1);

    private static async Task<int> SettleAsync(Func<int> left)
    {
        var deadline = Stopwatch.GetTimestamp() + 15 * Stopwatch.Frequency;
        int count;
        while ((count = left()) > 0 && Stopwatch.GetTimestamp() < deadline) await Task.Delay(50);
        return count;
    }

    private bool IsOurHelper(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return int.Parse(fields[1]) == Environment.ProcessId && fields[0] != "Z"
                && (File.ResolveLinkTarget($"/proc/{pid}/exe", false)?.FullName ?? "").Contains(_name, StringComparison.Ordinal);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return false;
        }
    }

    // Children of this host still running or unreaped that were started from this run's blob.
    private List<int> ChildHelpers()
    {
        var pids = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                if (int.Parse(fields[1]) != Environment.ProcessId) continue;
                // A zombie has no exe link any more: every unreaped child counts.
                if (fields[0] == "Z" || IsOurHelper(pid)) pids.Add(pid);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
            {
            }
        }
        return pids;
    }

    private List<string> HelperCgroupDirectories()
    {
        var availability = CgroupSupport.Current;
        if (!availability.IsAvailable) return [];
        var prefix = $"umh-{Environment.ProcessId}-";
        return availability.HostDirectories.Where(Directory.Exists)
            .SelectMany(d => Directory.EnumerateDirectories(d))
            .Where(d => Path.GetFileName(d).StartsWith(prefix, StringComparison.Ordinal) && d.EndsWith(_name, StringComparison.Ordinal))
            .ToList();
    }

    private int OwnMemfds() => Directory.EnumerateFileSystemEntries("/proc/self/fd")
        .Count(fd => (ReadLink(fd) ?? "").Contains("memfd:" + HelperBlob.MemfdNamePrefix + _name, StringComparison.Ordinal));

    private static string? ReadLink(string path)
    {
        try
        {
            return File.ResolveLinkTarget(path, false)?.FullName;
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static int OpenFds() => Directory.EnumerateFileSystemEntries("/proc/self/fd").Count();

    private static long FdLimit()
    {
        var line = File.ReadLines("/proc/self/limits").Single(l => l.StartsWith("Max open files", StringComparison.Ordinal));
        return long.Parse(line["Max open files".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries)[0]);
    }

    private static long RssAfterFullGc()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        return RssBytes();
    }

    // What the host keeps, not what is in flight at one instant: the least of five readings a second
    // apart. A single reading counted the JIT's buffers of a tier-up burst (5–6 MiB of malloc blocks
    // live for a few seconds when the load changes, as at the run's end) as growth.
    private static async Task<long> LeastRssAsync()
    {
        var least = RssAfterAggressiveGc();
        for (var i = 1; i < 5; i++)
        {
            await Task.Delay(TimeSpan.FromSeconds(1));
            least = Math.Min(least, RssAfterAggressiveGc());
        }
        return least;
    }

    // Aggressive: the GC decommits every region it holds free before returning.
    private static long RssAfterAggressiveGc()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        var rss = RssBytes();
        Console.Error.WriteLine($"chaos: after an aggressive GC: rss {rss / 1048576.0:F1} MiB, managed live {GC.GetTotalMemory(false) / 1048576.0:F1} MiB, " +
            $"GC committed {GC.GetGCMemoryInfo().TotalCommittedBytes / 1048576.0:F1} MiB");
        return rss;
    }

    private static long RssBytes()
    {
        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);

    private sealed class EventRecorder : ReceiveActor
    {
        public EventRecorder(ChaosRun run)
        {
            Receive<HelperSupervisionDecision>(d =>
            {
                if (d.Directive == HelperDirective.Restart) run._timeline.Restarted(d.Kind.ToString());
            });
            // An answer nobody waits for: a second answer to one request, or one after its Ask ended.
            Receive<DeadLetter>(d =>
            {
                if (d.Message is HelperResponse or Status.Failure)
                {
                    Interlocked.Increment(ref run._strayAnswers);
                    run.Violation("answer with no asker");
                }
            });
        }
    }
}
