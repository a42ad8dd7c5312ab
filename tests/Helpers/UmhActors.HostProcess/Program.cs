using Akka.Actor;
using UmhActors.Helpers;
using UmhActors.Native.Blobs;
using UmhActors.Native.Launch;
using UmhActors.Supervision;

// Usage: UmhActors.HostProcess COUNT — starts COUNT test helpers, prints "pid N" for each once it
// answers, prints "ready", then waits forever (the test kills this process).
// UmhActors.HostProcess memory-limit — starts one test helper with a 64 MiB memory limit, prints
// "decision KIND DIRECTIVE INNER-EXCEPTION-TYPE" for each supervision decision and "terminated"
// once the helper's actor has stopped, then exits (for a host where cgroups cannot be used).
var blob = HelperBlob.FromEmbeddedHelper(typeof(Program).Assembly, "testhelper");
if (args is ["memory-limit"])
{
    var limited = ActorSystem.Create("memory-limit-host");
    var done = new TaskCompletionSource();
    var reporter = limited.ActorOf(Props.Create(() => new DecisionReporter(done)));
    limited.EventStream.Subscribe(reporter, typeof(HelperSupervisionDecision));
    var options = HelperOptions.Default.WithLaunch(LaunchOptions.Default.WithMemoryLimit(64L * 1024 * 1024));
    reporter.Tell(limited.ActorOf(HelperActor.Props(blob, options), "limited"));
    await done.Task;
    await limited.Terminate();
    return;
}
var count = args.Length > 0 ? int.Parse(args[0]) : 3;
var system = ActorSystem.Create("orphan-host");
for (var i = 0; i < count; i++)
{
    var helper = system.ActorOf(HelperActor.Props(blob), $"helper-{i}");
    var status = await WaitReadyAsync(helper);
    Console.WriteLine($"pid {status.Pid}");
}
Console.WriteLine("ready");
await Task.Delay(Timeout.Infinite);

static async Task<HelperStatus> WaitReadyAsync(IActorRef helper)
{
    for (var attempt = 0; attempt < 200; attempt++)
    {
        var status = await helper.Ask<HelperStatus>(GetHelperStatus.Instance, TimeSpan.FromSeconds(5));
        if (status.Ready) return status;
        await Task.Delay(25);
    }
    throw new TimeoutException("helper never became ready");
}

/// <summary>Prints each supervision decision and the watched helper actor's end.</summary>
internal sealed class DecisionReporter : ReceiveActor
{
    public DecisionReporter(TaskCompletionSource done)
    {
        Receive<IActorRef>(helper => Context.Watch(helper));
        Receive<HelperSupervisionDecision>(d =>
            Console.WriteLine($"decision {d.Kind} {d.Directive} {d.Failure.InnerException?.GetType().Name ?? "none"}"));
        Receive<Terminated>(_ =>
        {
            Console.WriteLine("terminated");
            done.TrySetResult();
        });
    }
}
