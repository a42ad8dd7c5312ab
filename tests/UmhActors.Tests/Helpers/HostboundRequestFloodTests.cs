using UmhActors.Failures;
using UmhActors.Helpers;
using UmhActors.Native.Blobs;
using UmhActors.Protocol;
using UmhActors.Supervision;
using UmhActors.Tests.Support;
using Xunit.Abstractions;

namespace UmhActors.Tests.Helpers;

/// <summary>A helper that floods the host with requests and never reads the answers cannot make the
/// host queue them without bound: it is killed for a protocol violation.</summary>
public sealed class HostboundRequestFloodTests(ITestOutputHelper output) : HelperSpec(output)
{
    // $/hello, then [0, 1, "foo", []] eight times per printf, forever; stdin is never read.
    private static readonly byte[] FloodScript =
        "#!/bin/sh\nprintf '\\223\\002\\247$/hello\\224\\001\\245flood\\001\\220'\nwhile :; do printf '\\224\\000\\001\\243foo\\220\\224\\000\\001\\243foo\\220\\224\\000\\001\\243foo\\220\\224\\000\\001\\243foo\\220\\224\\000\\001\\243foo\\220\\224\\000\\001\\243foo\\220\\224\\000\\001\\243foo\\220\\224\\000\\001\\243foo\\220'; done\n"u8.ToArray();

    [Fact]
    public void A_helper_flooding_requests_without_reading_answers_is_killed_as_a_protocol_violation()
    {
        using var blob = HelperBlob.FromBytes("flood", FloodScript);
        var decisions = CreateTestProbe();
        Sys.EventStream.Subscribe(decisions.Ref, typeof(HelperSupervisionDecision));
        var policy = HelperSupervisionPolicy.Default.With(HelperFailureKind.ProtocolViolation, HelperDirective.Stop);
        var helper = Sys.ActorOf(HelperActor.Props(blob, HelperOptions.Default.WithSupervision(policy)));
        Watch(helper);

        var decision = decisions.ExpectMsg<HelperSupervisionDecision>(Patience);

        Assert.Equal(HelperFailureKind.ProtocolViolation, decision.Kind);
        var violation = Assert.IsType<ProtocolViolationException>(decision.Failure.InnerException);
        Assert.Equal(ProtocolViolationReason.UnexpectedFrame, violation.Reason);
        ExpectTerminated(helper, Patience);
    }
}
