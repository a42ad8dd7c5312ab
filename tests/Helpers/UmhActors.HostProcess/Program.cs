using Akka.Actor;
using Microsoft.Extensions.DependencyInjection;
using MessagePack;
using UmhActors.Helpers;
using UmhActors.Native.Blobs;
using UmhActors.Native.Cgroups;
using UmhActors.Native.Launch;
using UmhActors.Requests;
using UmhActors.Supervision;

// A host in its own process, for what a test host cannot do to itself: die or exit.
// Usage:
//   UmhActors.HostProcess COUNT        starts COUNT test helpers, prints "pid N" for each once it
//                                      answers, prints "ready", then waits forever (the test kills it).
//   UmhActors.HostProcess exit COUNT   as above, but each helper also starts a grandchild (printed as
//                                      "grandchild N"); after "ready" the host returns from Main: a
//                                      normal exit that must leave no helper and no grandchild.
//   UmhActors.HostProcess sweep        prints "first-sweep-before none", starts one helper in its own
//                                      cgroup, prints "first-sweep-after" and the directories the
//                                      automatic stale-cgroup sweep removed (or "none"), then exits.
//   UmhActors.HostProcess memory-limit starts one test helper with a 64 MiB memory limit, prints
//                                      "decision KIND DIRECTIVE INNER-EXCEPTION-TYPE" for each supervision
//                                      decision and "terminated" once the helper's actor has stopped,
//                                      then exits (for a host where cgroups cannot be used).
//   UmhActors.HostProcess cluster-node SEED
//                                      a member (role helpers) of the cluster tests' cluster
//                                      (ClusterTestNode): joins SEED (akka.tcp://…), prints
//                                      "address ADDRESS" and, once it is Up, "up", then waits
//                                      forever hosting sharded test helpers (the test kills it).
var mode = args.Length > 0 && !int.TryParse(args[0], out _) ? args[0] : "wait";
var count = int.TryParse(args.LastOrDefault(), out var n) ? n : 3;
var blob = HelperBlob.FromEmbeddedHelper(typeof(Program).Assembly, "testhelper");
if (mode == "memory-limit")
{
    var limited = ActorSystem.Create("memory-limit-host");
    var done = new TaskCompletionSource();
    var reporter = limited.ActorOf(Props.Create(() => new DecisionReporter(done)));
    limited.EventStream.Subscribe(reporter, typeof(HelperSupervisionDecision));
    var options = HelperOptions.Default.WithLaunch(LaunchOptions.Default.WithMemoryLimit(64L * 1024 * 1024));
    reporter.Tell(limited.ActorOf(HelperActor.Props(blob, options), "limited"));
    await done.Task;
    await limited.Terminate();
    return 0;
}
if (mode == "cluster-node")
{
    var node = UmhActors.ClusterTesting.ClusterTestNode.Build(blob, ["helpers"]);
    await node.StartAsync();
    var cluster = Akka.Cluster.Cluster.Get(node.Services.GetRequiredService<ActorSystem>());
    Console.WriteLine($"address {cluster.SelfAddress}");
    var up = new TaskCompletionSource();
    cluster.RegisterOnMemberUp(() => up.TrySetResult());
    await cluster.JoinAsync(Address.Parse(args[1]));
    await up.Task;
    Console.WriteLine("up");
    await Task.Delay(Timeout.Infinite);
    return 0;
}
var system = ActorSystem.Create("orphan-host");

if (mode == "sweep")
{
    Console.WriteLine("first-sweep-before " + (CgroupSupport.FirstSweep is null ? "none" : "ran"));
    var helper = system.ActorOf(HelperActor.Props(blob, HelperOptions.Default.WithLaunch(LaunchOptions.Default.WithCgroup())), "helper");
    await WaitReadyAsync(helper);
    var sweep = CgroupSupport.FirstSweep;
    Console.WriteLine("first-sweep-after " + (sweep is null ? "none" : string.Join("|", sweep.Removed.Prepend("ran"))));
    return 0;
}

for (var i = 0; i < count; i++)
{
    var helper = system.ActorOf(HelperActor.Props(blob), $"helper-{i}");
    var status = await WaitReadyAsync(helper);
    Console.WriteLine($"pid {status.Pid}");
    if (mode == "exit")
    {
        var response = await helper.Ask<HelperResponse>(new HelperRequest("spawn_grandchild", MessagePackSerializer.Serialize(Array.Empty<object>())), TimeSpan.FromSeconds(10));
        Console.WriteLine($"grandchild {response.GetResult<int>()}");
    }
}
Console.WriteLine("ready");
if (mode == "exit") return 0;
await Task.Delay(Timeout.Infinite);
return 0;

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
