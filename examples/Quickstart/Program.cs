using Akka.Actor;
using Akka.Configuration;
using UmhActors.Failures;
using UmhActors.Helpers;
using UmhActors.Native.Blobs;

// Quickstart: a helper program embedded in this assembly runs as a child process owned by an
// actor. We call it, make it crash, and watch the crash come back as data (the signal) while
// the actor's supervision policy (crash => restart with backoff) starts a fresh helper.

using var blob = HelperBlob.FromEmbeddedHelper(typeof(Program).Assembly, "shouter");
Console.WriteLine($"blob '{blob.Name}': {blob.Length / 1024} KiB of NativeAOT code, run from a sealed memfd");

var system = ActorSystem.Create("quickstart", ConfigurationFactory.ParseString("akka.loglevel = WARNING"));
var helper = system.ActorOf(HelperActor.Props(blob), "shouter");
var client = new HelperClient(helper);

var status = await WaitUntilReady(helper);
Console.WriteLine($"helper ready: pid {status.Pid}, exe {new FileInfo($"/proc/{status.Pid}/exe").LinkTarget}");

Console.WriteLine($"shout(\"hello\") = {await client.CallAsync<string[], string>("shout", ["hello"])}");
Console.WriteLine($"shout(\"user-mode helper\") = {await client.CallAsync<string[], string>("shout", ["user-mode helper"])}");

Console.WriteLine("asking the helper to crash...");
try
{
    await client.CallAsync<string[], string>("crash", []);
    Console.Error.WriteLine("the helper should have crashed");
    return 1;
}
catch (HelperCrashedException crash)
{
    Console.WriteLine($"crash reported: {crash.Kind}, {crash.SignalName} ({crash.Signal}), pid {crash.Pid}, after {crash.Uptime.TotalMilliseconds:F0} ms");
}

// The actor classified the end (Crashed), failed the request with it, and launched a new helper.
var restarted = await WaitUntilReady(helper);
Console.WriteLine($"the actor restarted its helper: new pid {restarted.Pid}");
Console.WriteLine($"shout(\"again\") = {await client.CallAsync<string[], string>("shout", ["again"])}");

await system.Terminate();
Console.WriteLine("done");
return 0;

static async Task<HelperStatus> WaitUntilReady(IActorRef helper)
{
    var deadline = DateTime.UtcNow.AddSeconds(20);
    while (DateTime.UtcNow < deadline)
    {
        var status = await helper.Ask<HelperStatus>(GetHelperStatus.Instance, TimeSpan.FromSeconds(5));
        if (status.Ready) return status;
        await Task.Delay(20);
    }
    throw new TimeoutException("the helper did not become ready");
}
