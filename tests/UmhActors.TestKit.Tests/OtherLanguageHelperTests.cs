using Akka.Actor;
using UmhActors.Failures;
using UmhActors.Helpers;
using UmhActors.Native.Blobs;
using UmhActors.Supervision;
using Xunit.Abstractions;

namespace UmhActors.TestKit.Tests;

/// <summary>A helper not built on the C# runtime (the Python reference helper): the faults signals
/// cause work on it; the cooperative ones are reported unavailable, never silently skipped.</summary>
public sealed class OtherLanguageHelperTests(ITestOutputHelper output) : FaultSpec(output)
{
    private static readonly Lazy<HelperBlob> s_python = new(() => HelperBlob.FromEmbeddedHelper(typeof(OtherLanguageHelperTests).Assembly, "pyhelper"));

    private IActorRef StartPython(out int pid)
    {
        var helper = Sys.ActorOf(HelperActor.Props(s_python.Value, HelperOptions.Default.WithTestFaults()));
        pid = this.AwaitHelperReady(helper, Patience);
        return helper;
    }

    [Fact]
    public async Task A_Python_helper_is_Crashed_by_CrashAsync_and_restarted()
    {
        var helper = StartPython(out var pid);

        Assert.Equal(pid, await this.HelperFaults(helper, Patience).CrashAsync());

        var decision = this.ExpectHelperDecision(HelperFailureKind.Crashed, HelperDirective.Restart, helper, Patience);
        Assert.Equal(pid, decision.Failure.Pid);
        Assert.NotEqual(pid, this.AwaitHelperReady(helper, Patience));
        StopAndExpectNothingLeft(helper);
    }

    [Fact]
    public async Task Hang_on_a_Python_helper_is_unavailable_and_leaves_it_serving()
    {
        var helper = StartPython(out var pid);

        var unavailable = await Assert.ThrowsAsync<HelperFaultUnavailableException>(() => this.HelperFaults(helper, Patience).HangAsync());

        Assert.IsNotType<HelperTestModeRequiredException>(unavailable);
        Assert.Contains("$/test/hang", unavailable.Reason);
        Assert.Equal("still here", await EchoAsync(helper));
        Assert.Equal(pid, this.AwaitHelperReady(helper, Patience));
        StopAndExpectNothingLeft(helper);
    }
}
