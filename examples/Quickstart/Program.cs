using System.Diagnostics;
using Akka.Actor;
using Akka.Configuration;
using UmhActors.Failures;
using UmhActors.Guardian;
using UmhActors.Helpers;
using UmhActors.Native.Blobs;
using UmhActors.Native.Cgroups;
using UmhActors.Native.Launch;

// Quickstart: a helper program embedded in this assembly runs as a child process owned by an actor.
// We call it, crash it, OOM-kill it, kill it as an admin would, freeze and thaw launches, and check
// that nothing is left. Readiness and ends come from the library (awaitables), never from polling.

var report = new StepReport();
using var blob = HelperBlob.FromEmbeddedHelper(typeof(Program).Assembly, "shouter");
// Supervision decisions are logged at WARNING; the steps below print what happened instead.
var system = ActorSystem.Create("quickstart", ConfigurationFactory.ParseString("akka.loglevel = ERROR"));
var guardian = UmhGuardian.Get(system);
var failed = false;
try
{
    // 1. The helper travels inside this assembly; launching copies it into a sealed memfd and runs it.
    report.Begin();
    var shouter = new HelperClient(system.ActorOf(HelperActor.Props(blob), "shouter"));
    var ready = await shouter.WhenReadyAsync();
    report.Done("embedded helper",
        $"'{blob.Name}' ({blob.Length >> 10} KiB of NativeAOT code) is pid {ready.Pid}, running {new FileInfo($"/proc/{ready.Pid}/exe").LinkTarget}, seals {Seals(blob.GetSeals())}",
        $"pid {ready.Pid} from a sealed memfd");

    // 2. A request: msgpack-rpc over the helper's pipes.
    report.Begin();
    var loud = await shouter.CallAsync<string[], string>("shout", ["hello"]);
    // The first calls pay for JIT compilation; the median of the next 200 is the steady round trip.
    var roundTrips = new List<TimeSpan>();
    for (var i = 0; i < 200; i++)
    {
        var watch = Stopwatch.StartNew();
        await shouter.CallAsync<string[], string>("shout", ["again"]);
        roundTrips.Add(watch.Elapsed);
    }
    var roundTrip = roundTrips.Order().ElementAt(roundTrips.Count / 2);
    report.Done("request", $"shout(\"hello\") = \"{loud}\"; median round trip of 200 more: {StepReport.Ms(roundTrip)}",
        $"\"{loud}\", round trip {StepReport.Ms(roundTrip)}");

    // 3. A crash comes back as data (the signal) and the policy restarts the helper after a backoff.
    report.Begin();
    var crash = await Expect<HelperCrashedException>(() => shouter.CallAsync<string[], string>("crash", []));
    var restarted = await shouter.WhenReadyAsync(replacingPid: crash.Pid);
    report.Done("crash", $"pid {crash.Pid} died of {crash.SignalName}: {crash.Kind}, restarted as pid {restarted.Pid}",
        $"{crash.SignalName} -> {crash.Kind} -> restarted");

    // 4. Over its cgroup's memory limit the kernel OOM-kills the helper; the cgroup's oom_kill count
    //    tells that apart from an admin's SIGKILL.
    report.Begin();
    HelperClient? hungry = null;
    if (CgroupSupport.Current is { IsAvailable: false } unavailable)
    {
        report.Done("OOM kill", $"skipped: {unavailable.Reason}", "skipped: no usable cgroups");
    }
    else
    {
        var limited = HelperOptions.Default.WithLaunch(LaunchOptions.Default.WithMemoryLimit(64L << 20));
        hungry = new HelperClient(system.ActorOf(HelperActor.Props(blob, limited), "hungry"));
        await hungry.WhenReadyAsync();
        var oom = await Expect<HelperOomKilledException>(() => hungry.CallAsync<long[], string>("allocate", [256]));
        var again = await hungry.WhenReadyAsync(replacingPid: oom.Pid);
        report.Done("OOM kill", $"allocate(256 MiB) under a 64 MiB limit: pid {oom.Pid} {oom.Kind} ({oom.Evidence}), restarted as pid {again.Pid}",
            $"{oom.Kind} under 64 MiB -> restarted");
    }

    // 5. A SIGKILL the host did not send is an admin's: the default policy stops, it does not fight.
    report.Begin();
    var victim = new HelperClient(system.ActorOf(HelperActor.Props(blob), "victim"));
    var target = await victim.WhenReadyAsync();
    // Wait for a replacement before the kill, so the actor's answer (the failure that ended its
    // helper: it stops, no replacement comes) cannot miss us.
    var replacement = victim.WhenReadyAsync(replacingPid: target.Pid);
    using (var process = Process.GetProcessById(target.Pid)) process.Kill();
    var killed = await Expect<HelperKilledException>(() => replacement);
    await victim.Helper.WatchAsync();
    report.Done("admin kill", $"SIGKILL to pid {killed.Pid} from outside: {killed.Kind}, the actor stopped",
        $"{killed.Kind} -> stopped");

    // 6. Freezing: running helpers are frozen and new launches wait for the thaw (UMH_FREEZING).
    report.Begin();
    await guardian.FreezeAsync(TimeSpan.FromSeconds(5), freezeRunning: true);
    var late = new HelperClient(system.ActorOf(HelperActor.Props(blob), "late"));
    var lateReady = late.WhenReadyAsync();
    var lateStatus = await late.Helper.Ask<HelperStatus>(GetHelperStatus.Instance, TimeSpan.FromSeconds(5));
    var frozen = await guardian.GetStatusAsync();
    await guardian.EnableAsync();
    var thawed = await lateReady;
    var afterThaw = await shouter.CallAsync<string[], string>("shout", ["thawed"]);
    report.Done("freeze and thaw",
        $"guardian {frozen.State}: running helpers frozen: {frozen.RunningHelpersFrozen}, {frozen.Waiting} launch waiting ('late', pid {lateStatus.Pid}); " +
        $"thawed: 'late' ready as pid {thawed.Pid}, shout(\"thawed\") = \"{afterThaw}\"",
        $"{frozen.Waiting} launch waited, ran on thaw");

    // 7. Stopping an actor ends its helper; StopAsync returns once it is reaped and its cgroup removed.
    report.Begin();
    var ended = await Task.WhenAll(new[] { shouter, hungry, late }.OfType<HelperClient>().Select(c => c.StopAsync()));
    var processes = Census.HelperProcesses();
    var cgroups = Census.HelperCgroups();
    failed = processes.Count > 0 || cgroups.Count > 0;
    report.Done("census", $"stopped {ended.Length} helpers; helper processes left: {processes.Count}, helper cgroups left: {cgroups.Count}" +
        string.Concat(processes.Select(p => $" pid {p}")) + string.Concat(cgroups.Select(c => $" {c}")),
        failed ? "LEFT BEHIND: " + (processes.Count + cgroups.Count) : "no helper process or cgroup left");
}
finally
{
    await guardian.EnableAsync();
    await system.Terminate();
}
report.PrintSummary();
return failed ? 1 : 0;

// Awaits a call that must fail with TFailure and returns the failure.
static async Task<TFailure> Expect<TFailure>(Func<Task> call) where TFailure : Exception
{
    try
    {
        await call();
    }
    catch (TFailure failure)
    {
        return failure;
    }
    throw new InvalidOperationException($"expected a {typeof(TFailure).Name}");
}

static string Seals(int seals) => string.Join('|', new[] { (1, "SEAL"), (2, "SHRINK"), (4, "GROW"), (8, "WRITE"), (16, "FUTURE_WRITE"), (32, "EXEC") }
    .Where(s => (seals & s.Item1) != 0).Select(s => s.Item2));
