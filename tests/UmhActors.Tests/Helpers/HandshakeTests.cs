using UmhActors.Failures;
using UmhActors.Helpers;
using UmhActors.Native.Blobs;
using UmhActors.Native.Exit;
using UmhActors.Supervision;
using UmhActors.Tests.Shared;
using UmhActors.Tests.Support;
using Xunit.Abstractions;

namespace UmhActors.Tests.Helpers;

/// <summary>The host's side of a helper's start and of its stdout: $/hello in time and first, and
/// a stdout that stays open while the helper runs. Helpers here are shell scripts that break the
/// contract on purpose, byte by byte.</summary>
public sealed class HandshakeTests(ITestOutputHelper output) : HelperSpec(output)
{
    // [2, "$/hello", [1, "sh", 0, []]]
    private const string Hello = @"printf '\223\002\247$/hello\224\001\242sh\000\220'";

    [Fact]
    public void No_hello_within_the_startup_timeout_is_LaunchFailed_and_the_helper_is_killed()
    {
        using var silent = HelperBlob.FromBytes("silent", "#!/bin/sh\nexec sleep 30\n"u8);
        var decisions = SubscribeDecisions();
        Sys.ActorOf(HelperActor.Props(silent, HelperOptions.Default.WithStartupTimeout(TimeSpan.FromMilliseconds(300))));
        var decision = decisions.ExpectMsg<HelperSupervisionDecision>(Patience);
        Assert.Equal((HelperFailureKind.LaunchFailed, HelperDirective.Stop), (decision.Kind, decision.Directive));
        Assert.Contains("no $/hello", decision.Failure.Message);
        Assert.Equal(SignalNames.SIGKILL, decision.Failure.Signal);
        Assert.False(HostCensus.IsRunning(decision.Failure.Pid));
    }

    [Fact]
    public void A_first_frame_other_than_hello_is_a_ProtocolViolation()
    {
        // [2, "x", []] before any hello, then a helper that would wait forever.
        using var rude = HelperBlob.FromBytes("rude", System.Text.Encoding.UTF8.GetBytes(
            "#!/bin/sh\nprintf '\\223\\002\\241x\\220'\n" + Hello + "\nexec cat >/dev/null\n"));
        var decisions = SubscribeDecisions();
        var policy = HelperSupervisionPolicy.Default.With(HelperFailureKind.ProtocolViolation, HelperDirective.Stop);
        Sys.ActorOf(HelperActor.Props(rude, HelperOptions.Default.WithSupervision(policy)));
        var decision = decisions.ExpectMsg<HelperSupervisionDecision>(Patience);
        Assert.Equal(HelperFailureKind.ProtocolViolation, decision.Kind);
        var violation = Assert.IsType<Protocol.ProtocolViolationException>(decision.Failure.InnerException);
        Assert.Equal(Protocol.ProtocolViolationReason.UnexpectedFrame, violation.Reason);
        Assert.Contains("first frame must be a $/hello", violation.Message);
    }

    [Fact]
    public void A_helper_that_closes_stdout_but_keeps_running_is_killed()
    {
        using var mute = HelperBlob.FromBytes("mute", System.Text.Encoding.UTF8.GetBytes(
            "#!/bin/sh\n" + Hello + "\nexec sleep 30 >&-\n"));
        var decisions = SubscribeDecisions();
        var policy = HelperSupervisionPolicy.Default.With(HelperFailureKind.ProtocolViolation, HelperDirective.Stop);
        Sys.ActorOf(HelperActor.Props(mute, HelperOptions.Default.WithSupervision(policy)));
        var decision = decisions.ExpectMsg<HelperSupervisionDecision>(Patience);
        Assert.Equal((HelperFailureKind.ProtocolViolation, HelperDirective.Stop), (decision.Kind, decision.Directive));
        Assert.Contains("closed its stdout but kept running", decision.Failure.InnerException!.Message);
        Assert.Equal(SignalNames.SIGKILL, decision.Failure.Signal);
        Assert.False(HostCensus.IsRunning(decision.Failure.Pid));
    }

    private Akka.TestKit.TestProbe SubscribeDecisions()
    {
        var probe = CreateTestProbe();
        Sys.EventStream.Subscribe(probe.Ref, typeof(HelperSupervisionDecision));
        return probe;
    }
}
