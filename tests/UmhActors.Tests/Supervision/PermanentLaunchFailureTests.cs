using System.Text;
using UmhActors.Failures;
using UmhActors.Helpers;
using UmhActors.Native.Blobs;
using UmhActors.Native.Launch;
using UmhActors.Supervision;
using UmhActors.Tests.Support;
using Xunit.Abstractions;

namespace UmhActors.Tests.Supervision;

/// <summary>A launch that can never work stops the actor after one decision: retrying it would fail
/// the same way forever (exec errors, a blob that does not match its pin).</summary>
public sealed class PermanentLaunchFailureTests(ITestOutputHelper output) : HelperSpec(output)
{
    [Theory]
    [InlineData("#!/nonexistent/interpreter\n", "ENOENT")]
    // An interpreter that exists but is not executable.
    [InlineData("#!/etc/passwd\n", "EACCES")]
    [InlineData("neither ELF nor #!\n", "ENOEXEC")]
    public void An_exec_error_is_a_permanent_LaunchFailed_and_stops_the_actor(string script, string errno)
    {
        using var blob = HelperBlob.FromBytes("permanent", Encoding.ASCII.GetBytes(script));
        var failure = ExpectStoppedWith(blob);
        var launch = Assert.IsType<LaunchFailedException>(failure.InnerException);
        Assert.Equal(errno, launch.ErrorName);
        Assert.False(launch.IsTransient);
    }

    [Fact]
    public void A_blob_that_does_not_match_its_pin_is_a_permanent_LaunchFailed_and_stops_the_actor()
    {
        using var blob = HelperBlob.FromBytes("pinned", "#!/bin/sh\n"u8).WithSha256Pin(new string('0', 64));
        var failure = ExpectStoppedWith(blob);
        Assert.IsType<BlobPinMismatchException>(failure.InnerException);
    }

    private HelperLaunchFailedException ExpectStoppedWith(HelperBlob blob)
    {
        var decisions = CreateTestProbe();
        Sys.EventStream.Subscribe(decisions.Ref, typeof(HelperSupervisionDecision));
        var helper = Sys.ActorOf(HelperActor.Props(blob));
        Watch(helper);
        var decision = decisions.ExpectMsg<HelperSupervisionDecision>(Patience);
        Assert.Equal((HelperFailureKind.LaunchFailed, HelperDirective.Stop), (decision.Kind, decision.Directive));
        ExpectTerminated(helper, Patience);
        var failure = Assert.IsType<HelperLaunchFailedException>(decision.Failure);
        Assert.False(failure.IsTransient);
        return failure;
    }
}
