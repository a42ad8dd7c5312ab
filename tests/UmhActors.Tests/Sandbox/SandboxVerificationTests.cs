using Akka.Actor;
using UmhActors.Failures;
using UmhActors.Helpers;
using UmhActors.Native.Blobs;
using UmhActors.Native.Launch;
using UmhActors.Native.Sandbox;
using UmhActors.Requests;
using UmhActors.Supervision;
using UmhActors.Tests.Shared;
using UmhActors.Tests.Support;
using Xunit.Abstractions;
using static UmhActors.Tests.Sandbox.SandboxSupport;

namespace UmhActors.Tests.Sandbox;

/// <summary>The host believes no helper's word about its sandbox: it checks /proc after $/hello
/// and before the first request, refuses a liar, fails the launch of a helper that does not report
/// the in-helper parts, and changes nothing for an unsandboxed launch.</summary>
public sealed class SandboxVerificationTests(ITestOutputHelper output) : HelperSpec(output)
{
    // [2, "$/hello", [1, "sh", 0, []]]: a helper in another language, knowing nothing of sandboxes.
    private const string ShellHelper = "#!/bin/sh\nprintf '\\223\\002\\247$/hello\\224\\001\\242sh\\000\\220'\nexec cat >/dev/null\n";

    [Fact]
    public async Task A_helper_that_claims_a_sandbox_it_did_not_enter_is_killed_as_a_protocol_violation_and_never_served()
    {
        var decisions = SubscribeDecisions();
        var liar = Sandboxed(HelperSandbox.Default.WithoutNetwork(), LaunchOptions.Default.WithEnvironment("UMH_TEST_SANDBOX_LIE", "1"));
        var helper = Sys.ActorOf(HelperActor.Props(TestHelperBlob.Instance, liar));
        var request = helper.Ask<HelperResponse>(Call("pid"), Patience);

        var decision = decisions.ExpectMsg<HelperSupervisionDecision>(Patience);
        Assert.Equal((HelperFailureKind.ProtocolViolation, HelperDirective.Stop), (decision.Kind, decision.Directive));
        var refused = Assert.IsType<SandboxVerificationException>(decision.Failure.InnerException);
        Assert.True(refused.IsLie);
        Assert.Contains(refused.Verification.Contradicted, line => line.Contains("NoNewPrivs: '0', expected '1'"));
        Assert.Contains(refused.Verification.Contradicted, line => line.Contains("Seccomp: '0', expected '2'"));
        Assert.False(HostCensus.IsRunning(decision.Failure.Pid));
        // The queued request was never sent to the liar: it fails with the helper's end.
        var failed = await Assert.ThrowsAsync<HelperProtocolViolationException>(() => request);
        Assert.IsType<SandboxVerificationException>(failed.InnerException);
    }

    [Fact]
    public void A_helper_that_does_not_report_a_required_in_helper_part_fails_its_launch_with_a_clear_error()
    {
        using var shell = HelperBlob.FromBytes("shell", System.Text.Encoding.UTF8.GetBytes(ShellHelper));
        var decisions = SubscribeDecisions();
        Sys.ActorOf(HelperActor.Props(shell, Sandboxed(HelperSandbox.Default)));

        var decision = decisions.ExpectMsg<HelperSupervisionDecision>(Patience);
        Assert.Equal(HelperFailureKind.LaunchFailed, decision.Kind);
        var refused = Assert.IsType<SandboxVerificationException>(decision.Failure.InnerException);
        Assert.False(refused.IsLie);
        Assert.Equal(SandboxParts.NoNewPrivileges | SandboxParts.Seccomp, refused.Verification.NotReported);
        Assert.Contains("SandboxedHelper.CreateBuilder", refused.Message);
        Assert.Contains("HelperSandbox.LimitsOnly", refused.Message);
    }

    [Fact]
    public async Task A_helper_in_another_language_gets_the_outside_limits_verified()
    {
        using var shell = HelperBlob.FromBytes("shell", System.Text.Encoding.UTF8.GetBytes(ShellHelper));
        var helper = Sys.ActorOf(HelperActor.Props(shell, Sandboxed(HelperSandbox.LimitsOnly.WithLimits(openFiles: 77, cpuSeconds: 30))));
        var pid = await WaitReadyAsync(helper);

        var limits = await File.ReadAllLinesAsync($"/proc/{pid}/limits");
        Assert.Matches(@"^Max open files\s+77\s+77\s", limits.Single(l => l.StartsWith("Max open files")));
        Assert.Matches(@"^Max cpu time\s+30\s+31\s", limits.Single(l => l.StartsWith("Max cpu time")));
        Assert.Matches(@"^Max core file size\s+0\s+0\s", limits.Single(l => l.StartsWith("Max core file size")));
        var status = await helper.Ask<HelperStatus>(GetHelperStatus.Instance, Patience);
        Assert.Equal(SandboxParts.None, status.UnverifiedSandboxParts);
    }

    [LandlockFact]
    public async Task A_landlocked_helper_reports_landlock_as_unverified_in_its_status()
    {
        var (helper, _) = await StartHelperAsync(Sandboxed(HelperSandbox.Default.WithFileSystem(readOnly: ["/usr"])));
        var status = await helper.Ask<HelperStatus>(GetHelperStatus.Instance, Patience);
        Assert.Equal(SandboxParts.Landlock, status.UnverifiedSandboxParts);
    }

    [Fact]
    public async Task An_unsandboxed_launch_is_unchanged()
    {
        var (helper, pid) = await StartHelperAsync();
        Assert.Equal(pid, (await helper.Ask<HelperResponse>(Call("pid"), Patience)).GetResult<long>());

        Assert.All(ThreadField(pid, "NoNewPrivs"), nnp => Assert.Equal("0", nnp));
        Assert.All(ThreadField(pid, "Seccomp"), mode => Assert.Equal("0", mode));
        Assert.Equal(ProcessField(Environment.ProcessId, "Uid"), ProcessField(pid, "Uid"));
        Assert.DoesNotContain(await File.ReadAllTextAsync($"/proc/{pid}/environ"), "UMH_SANDBOX");
        Assert.Equal(0, (await helper.Ask<HelperResponse>(Call("sandbox_socket", AF_INET), Patience)).GetResult<long>());
        var status = await helper.Ask<HelperStatus>(GetHelperStatus.Instance, Patience);
        Assert.Equal(SandboxParts.None, status.UnverifiedSandboxParts);
    }

    private Akka.TestKit.TestProbe SubscribeDecisions()
    {
        var probe = CreateTestProbe();
        Sys.EventStream.Subscribe(probe.Ref, typeof(HelperSupervisionDecision));
        return probe;
    }
}
