using Akka.Actor;
using Akka.Configuration;
using UmhActors.Helpers;
using UmhActors.Native.Blobs;
using UmhActors.Requests;
using Xunit.Abstractions;

namespace UmhActors.TestKit.Tests;

/// <summary>Base for the TestKit's tests: a real ActorSystem, the embedded NativeAOT test helper,
/// and, after every test, no helper process or cgroup left.</summary>
public abstract class FaultSpec(ITestOutputHelper output)
    : Akka.TestKit.Xunit2.TestKit(ConfigurationFactory.ParseString("akka.loglevel = INFO"), output: output)
{
    private static readonly Lazy<HelperBlob> s_blob = new(() => HelperBlob.FromEmbeddedHelper(typeof(FaultSpec).Assembly, "testhelper"));

    protected static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    protected static HelperBlob Blob => s_blob.Value;

    /// <summary>Test mode, and a fast restart so the replacement is there soon.</summary>
    protected static HelperOptions TestMode => HelperOptions.Default.WithTestFaults();

    protected IActorRef StartHelper(HelperOptions options, out int pid)
    {
        var helper = Sys.ActorOf(HelperActor.Props(Blob, options));
        pid = this.AwaitHelperReady(helper, Patience);
        return helper;
    }

    protected static Task<string> EchoAsync(IActorRef helper, TimeSpan? timeout = null) =>
        new HelperClient(helper).CallAsync<string[], string[]>("echo", ["still here"]).ContinueWith(t => t.Result[0]);

    protected void StopAndExpectNothingLeft(IActorRef helper)
    {
        Watch(helper);
        Sys.Stop(helper);
        ExpectTerminated(helper, Patience);
        this.ExpectNoHelperLeft(Patience);
    }

    protected static HelperRequest Echo(TimeSpan timeout) => HelperRequest.Create("echo", new[] { "ping" }, timeout: timeout);
}
