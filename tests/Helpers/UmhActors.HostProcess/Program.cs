using Akka.Actor;
using UmhActors.Helpers;
using UmhActors.Native.Blobs;

// Usage: UmhActors.HostProcess COUNT — starts COUNT test helpers, prints "pid N" for each once it
// answers, prints "ready", then waits forever (the test kills this process).
var count = args.Length > 0 ? int.Parse(args[0]) : 3;
var blob = HelperBlob.FromEmbeddedHelper(typeof(Program).Assembly, "testhelper");
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
