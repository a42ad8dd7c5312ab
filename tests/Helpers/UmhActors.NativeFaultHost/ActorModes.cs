using System.Collections.Concurrent;
using Akka.Actor;
using Akka.Configuration;
using UmhActors.Failures;
using UmhActors.Helpers;
using UmhActors.Native.Blobs;
using UmhActors.Native.Launch;
using UmhActors.Requests;
using UmhActors.Supervision;

namespace UmhActors.NativeFaultHost;

/// <summary>Modes that run helper actors (the embedded test helper) in this host, for what only
/// the actor path shows at the fd limit: supervision of failed launches, the request path's first use.</summary>
internal static class ActorModes
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    public static readonly string[] Names = ["client-after-shortage", "actors-recover"];

    public static async Task RunAsync(string mode, string[] args)
    {
        var system = ActorSystem.Create("fault-host", ConfigurationFactory.ParseString("akka.loglevel = ERROR\nakka.stdout-loglevel = ERROR"));
        try
        {
            switch (mode)
            {
                case "client-after-shortage":
                    await ClientAfterShortageAsync(system);
                    break;
                case "actors-recover":
                    await ActorsRecoverAsync(system, int.Parse(args[1]), int.Parse(args[2]), int.Parse(args[3]));
                    break;
            }
        }
        finally
        {
            await system.Terminate().WaitAsync(Patience);
        }
    }

    private static HelperBlob? s_blob;

    // Made on first use, so the native modes never touch it.
    private static HelperBlob Blob => s_blob ??= HelperBlob.FromEmbeddedHelper(typeof(ActorModes).Assembly, "testhelper");

    // Item: no lazily initialised state may be poisoned by an fd shortage. The helper is up (the
    // extension started), but no request was ever made in this process when the fds run out.
    private static async Task ClientAfterShortageAsync(ActorSystem system)
    {
        var helper = system.ActorOf(HelperActor.Props(Blob), "helper");
        await WaitReadyAsync(helper);
        var client = new HelperClient(helper, Patience);
        string during, duringUserType;
        using (new FdFiller(leaveFree: 0))
        {
            during = await TryAsync(() => client.CallAsync<int[], int>("add", [3, 4]));
            // A type of the user's, formatted for the first time: its formatter is emitted now.
            duringUserType = await TryAsync(() => client.CallAsync<Pair, Pair>("echo", new Pair { Left = 1, Right = "r" }));
        }
        Report("during", during);
        Report("during-user-type", duringUserType);
        Report("after", await TryAsync(() => client.CallAsync<int[], int>("add", [3, 4])));
        Report("after-user-type", await TryAsync(() => client.CallAsync<Pair, Pair>("echo", new Pair { Left = 2, Right = "s" })));
        Report("warmup-complete", Native.StaticStateWarmup.PrepareMessagePack().ToString());
        Report("after-echo", await TryAsync(() => client.CallAsync<string[], string[]>("echo", ["a", "b"]).ContinueWith(t => string.Join(",", t.Result))));
    }

    // Item: actors whose launch failed for want of fds recover by themselves once fds are free.
    // Each round: two helpers are up; the fd table is filled (leaving leaveFree fds); two more
    // helpers are started and one running helper exits with code 3 (a restart at the shortage);
    // every failed launch must be transient; then the fds are freed and all must answer.
    private static async Task ActorsRecoverAsync(ActorSystem system, int rounds, int reserve, int leaveFree)
    {
        var decisions = new ConcurrentQueue<HelperSupervisionDecision>();
        var recorder = system.ActorOf(Props.Create(() => new DecisionRecorder(decisions)));
        system.EventStream.Subscribe(recorder, typeof(HelperSupervisionDecision));
        var quickRetry = new HelperKindPolicy(HelperDirective.Restart,
            new HelperBackoff(TimeSpan.FromMilliseconds(20), TimeSpan.FromMilliseconds(200), 0.2, TimeSpan.FromMinutes(1)),
            new RestartIntensity(10_000, TimeSpan.FromMinutes(1)));
        var options = HelperOptions.Default
            .WithLaunch(LaunchOptions.Default.WithFdReserve(reserve))
            .WithSupervision(HelperSupervisionPolicy.Default
                .With(HelperFailureKind.LaunchFailedTransient, quickRetry)
                .With(HelperFailureKind.Failed, quickRetry));
        var transientBy = new SortedSet<string>();
        var other = new SortedSet<string>();
        var served = 0;
        var failedLaunches = 0;
        for (var round = 0; round < rounds; round++)
        {
            var helpers = new List<IActorRef>();
            for (var i = 0; i < 2; i++) helpers.Add(system.ActorOf(HelperActor.Props(Blob, options), $"r{round}-up-{i}"));
            foreach (var helper in helpers) await WaitReadyAsync(helper);
            var before = decisions.Count;
            using (new FdFiller(leaveFree))
            {
                for (var i = 0; i < 2; i++) helpers.Add(system.ActorOf(HelperActor.Props(Blob, options), $"r{round}-late-{i}"));
                // The exit request needs no fd; its answer is the helper's death.
                helpers[0].Tell(HelperRequest.Create("exit", new[] { 3 }));
                // Every late helper, and the one that exited, has failed to launch at least once.
                var deadline = DateTime.UtcNow + Patience;
                while (DateTime.UtcNow < deadline && decisions.Skip(before)
                           .Where(d => d.Kind is HelperFailureKind.LaunchFailedTransient).Select(d => d.Helper).Distinct().Count() < 3)
                    await Task.Delay(10);
            }
            foreach (var decision in decisions.Skip(before))
            {
                if (decision.Kind == HelperFailureKind.LaunchFailedTransient)
                {
                    failedLaunches++;
                    transientBy.Add(Describe(decision.Failure));
                }
                else if (decision.Kind != HelperFailureKind.Failed)
                {
                    other.Add($"{decision.Kind}/{decision.Directive}: {decision.Failure.Message}");
                }
            }
            foreach (var helper in helpers)
            {
                await WaitReadyAsync(helper);
                var sum = await TryAsync(() => new HelperClient(helper, Patience).CallAsync<int[], int>("add", [round, 4]));
                if (sum == (round + 4).ToString()) served++;
                else other.Add($"answer {sum}");
            }
            foreach (var helper in helpers) await helper.GracefulStop(Patience);
            Console.WriteLine($"round={round} decisions={decisions.Count - before} " + string.Join(" ", decisions.Skip(before).GroupBy(d => d.Helper.Path.Name + "/" + d.Kind).Select(g => $"{g.Key}x{g.Count()}")));
        }
        Report("served", served.ToString());
        Report("failed-launches", failedLaunches.ToString());
        Report("transient-by", string.Join(",", transientBy));
        Report("other", string.Join(" | ", other));
        // A stopped actor's helper ends after it (SIGTERM, then the reaper): wait for the last.
        var settle = DateTime.UtcNow + Patience;
        while (Native.Exit.LiveHelpers.Count > 0 && DateTime.UtcNow < settle) await Task.Delay(10);
        Report("live-helpers", Native.Exit.LiveHelpers.Count.ToString());
    }

    private static string Describe(HelperFailureException failure)
    {
        for (Exception? e = failure; e is not null; e = e.InnerException)
            if (e is LaunchFailedException launch) return $"{launch.Call}:{launch.ErrorName}";
        return failure.Message;
    }

    private static async Task WaitReadyAsync(IActorRef helper)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (DateTime.UtcNow < deadline)
        {
            if ((await helper.Ask<HelperStatus>(GetHelperStatus.Instance, Patience)).Ready) return;
            await Task.Delay(10);
        }
        throw new TimeoutException($"{helper.Path} never became ready");
    }

    private static async Task<string> TryAsync<T>(Func<Task<T>> call)
    {
        try
        {
            return (await call())!.ToString()!;
        }
        catch (Exception e)
        {
            return $"{e.GetType().Name}:{e.Message.ReplaceLineEndings(" ")}";
        }
    }

    private static void Report(string key, string value) => Console.WriteLine($"{key}={value}");

    private sealed class DecisionRecorder : ReceiveActor
    {
        public DecisionRecorder(ConcurrentQueue<HelperSupervisionDecision> decisions) =>
            Receive<HelperSupervisionDecision>(decisions.Enqueue);
    }
}

/// <summary>A user's request type (a msgpack array of two).</summary>
[MessagePack.MessagePackObject]
public sealed class Pair
{
    /// <summary>First.</summary>
    [MessagePack.Key(0)] public int Left { get; set; }

    /// <summary>Second.</summary>
    [MessagePack.Key(1)] public string? Right { get; set; }

    /// <inheritdoc />
    public override string ToString() => $"{Left}:{Right}";
}
