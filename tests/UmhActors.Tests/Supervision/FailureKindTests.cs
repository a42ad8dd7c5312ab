using System.Diagnostics;
using Akka.Actor;
using UmhActors.Failures;
using UmhActors.Helpers;
using UmhActors.Native.Blobs;
using UmhActors.Native.Exit;
using UmhActors.Requests;
using UmhActors.Supervision;
using UmhActors.Tests.Shared;
using UmhActors.Tests.Support;
using Xunit.Abstractions;

namespace UmhActors.Tests.Supervision;

/// <summary>One test per failure kind: a real helper ends that way, the kind is classified
/// correctly, and the default directive is applied.</summary>
public sealed class FailureKindTests(ITestOutputHelper output) : HelperSpec(output)
{
    [Fact]
    public async Task A_real_segfault_is_Crashed_and_restarts()
    {
        var (helper, pid) = await StartHelperAsync();
        var decisions = SubscribeDecisions();
        var failure = await Assert.ThrowsAsync<HelperCrashedException>(() => new HelperClient(helper).SendAsync(Call("crash")));
        Assert.Equal(SignalNames.SIGSEGV, failure.Signal);

        var decision = decisions.ExpectMsg<HelperSupervisionDecision>(Patience);
        Assert.Equal((HelperFailureKind.Crashed, HelperDirective.Restart, 1), (decision.Kind, decision.Directive, decision.Attempt));
        var newPid = await WaitReadyAsync(helper);
        Assert.NotEqual(pid, newPid);
        Assert.Equal(7, await new HelperClient(helper).CallAsync<int[], int>("add", [3, 4]));
    }

    [Fact]
    public async Task Abort_is_Crashed()
    {
        var (helper, _) = await StartHelperAsync();
        var failure = await Assert.ThrowsAsync<HelperCrashedException>(() => new HelperClient(helper).SendAsync(Call("abort")));
        Assert.Equal(SignalNames.SIGABRT, failure.Signal);
    }

    [RealCgroupFact]
    public async Task A_real_OOM_kill_under_a_memory_limit_is_OomKilled_and_restarts()
    {
        var options = HelperOptions.Default.WithLaunch(Native.Launch.LaunchOptions.Default.WithMemoryLimit(64L * 1024 * 1024));
        var (helper, pid) = await StartHelperAsync(options);
        var decisions = SubscribeDecisions();

        var failure = await Assert.ThrowsAsync<HelperOomKilledException>(() => new HelperClient(helper).SendAsync(Call("alloc", 256)).WaitAsync(Patience));
        Assert.Equal(SignalNames.SIGKILL, failure.Signal);
        Assert.True(failure.Exit!.OomKillCount >= 1);
        var decision = decisions.ExpectMsg<HelperSupervisionDecision>(Patience);
        Assert.Equal((HelperFailureKind.OomKilled, HelperDirective.Restart), (decision.Kind, decision.Directive));
        Assert.NotEqual(pid, await WaitReadyAsync(helper));
        Assert.Equal(9, await new HelperClient(helper).CallAsync<int[], int>("add", [4, 5]));
    }

    [Fact]
    public async Task An_admin_kill_from_outside_is_Killed_and_stops_the_actor()
    {
        var (helper, pid) = await StartHelperAsync();
        var decisions = SubscribeDecisions();
        Watch(helper);
        using (var kill = Process.Start("/bin/kill", ["-KILL", pid.ToString()])) await kill.WaitForExitAsync();

        var decision = decisions.ExpectMsg<HelperSupervisionDecision>(Patience);
        Assert.Equal((HelperFailureKind.Killed, HelperDirective.Stop), (decision.Kind, decision.Directive));
        Assert.Equal(SignalNames.SIGKILL, decision.Failure.Signal);
        ExpectTerminated(helper, Patience);
    }

    [Fact]
    public async Task A_helper_that_stops_answering_pings_is_Hung_and_restarts()
    {
        var options = HelperOptions.Default.WithWatchdog(TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(400));
        var (helper, pid) = await StartHelperAsync(options);
        var decisions = SubscribeDecisions();
        var hang = new HelperClient(helper).SendAsync(Call("hang"));

        var failure = await Assert.ThrowsAsync<HelperHungException>(() => hang.WaitAsync(Patience));
        Assert.Equal(SignalNames.SIGKILL, failure.Signal);
        var decision = decisions.ExpectMsg<HelperSupervisionDecision>(Patience);
        Assert.Equal((HelperFailureKind.Hung, HelperDirective.Restart), (decision.Kind, decision.Directive));
        Assert.NotEqual(pid, await WaitReadyAsync(helper));
    }

    [Fact]
    public async Task A_busy_helper_that_still_answers_pings_is_not_Hung()
    {
        // A handler keeping a thread computing for longer than the watchdog timeout: the reader still answers pings.
        var options = HelperOptions.Default.WithWatchdog(TimeSpan.FromMilliseconds(50), TimeSpan.FromSeconds(1));
        var (helper, _) = await StartHelperAsync(options);
        Assert.Equal(2500, await new HelperClient(helper).CallAsync<int[], int>("busy", [2500]));
    }

    [Fact]
    public async Task Garbage_bytes_are_a_ProtocolViolation_and_restart()
    {
        var (helper, _) = await StartHelperAsync();
        var decisions = SubscribeDecisions();
        await Assert.ThrowsAsync<HelperProtocolViolationException>(() => new HelperClient(helper).SendAsync(Call("garbage")).WaitAsync(Patience));
        var decision = decisions.ExpectMsg<HelperSupervisionDecision>(Patience);
        Assert.Equal((HelperFailureKind.ProtocolViolation, HelperDirective.Restart), (decision.Kind, decision.Directive));
        Assert.IsType<Protocol.ProtocolViolationException>(decision.Failure.InnerException);
    }

    [Fact]
    public void A_helper_speaking_another_protocol_version_fails_the_handshake_clearly()
    {
        // [2, "$/hello", [99, "old", 0, []]] written by hand, then the helper just waits.
        using var blob = HelperBlob.FromBytes("old-helper", "#!/bin/sh\nprintf '\\223\\002\\247$/hello\\224\\143\\243old\\000\\220'\ncat >/dev/null\n"u8);
        var decisions = SubscribeDecisions();
        var policy = HelperSupervisionPolicy.Default.With(HelperFailureKind.ProtocolViolation, HelperDirective.Stop);
        Sys.ActorOf(HelperActor.Props(blob, HelperOptions.Default.WithSupervision(policy)));
        var decision = decisions.ExpectMsg<HelperSupervisionDecision>(Patience);
        Assert.Equal(HelperFailureKind.ProtocolViolation, decision.Kind);
        var mismatch = Assert.IsType<Protocol.ProtocolVersionMismatchException>(decision.Failure.InnerException);
        Assert.Equal(99, mismatch.HelperVersion);
        Assert.Contains("99", decision.Failure.Message);
    }

    [Fact]
    public async Task An_oversized_declaration_is_a_ProtocolViolation()
    {
        var (helper, _) = await StartHelperAsync();
        var failure = await Assert.ThrowsAsync<HelperProtocolViolationException>(() => new HelperClient(helper).SendAsync(Call("oversized")).WaitAsync(Patience));
        Assert.Contains("4294967295", failure.InnerException!.Message);
    }

    [Fact]
    public async Task A_non_zero_exit_is_Failed_and_restarts()
    {
        var (helper, _) = await StartHelperAsync();
        var decisions = SubscribeDecisions();
        var failure = await Assert.ThrowsAsync<HelperFailedException>(() => new HelperClient(helper).SendAsync(Call("exit", 3)));
        Assert.Equal(3, failure.ExitCode);
        var decision = decisions.ExpectMsg<HelperSupervisionDecision>(Patience);
        Assert.Equal((HelperFailureKind.Failed, HelperDirective.Restart), (decision.Kind, decision.Directive));
    }

    [Fact]
    public async Task A_clean_exit_is_Exited_and_stops_the_actor()
    {
        var (helper, _) = await StartHelperAsync();
        var decisions = SubscribeDecisions();
        Watch(helper);
        await Assert.ThrowsAsync<HelperExitedException>(() => new HelperClient(helper).SendAsync(Call("exit", 0)));
        var decision = decisions.ExpectMsg<HelperSupervisionDecision>(Patience);
        Assert.Equal((HelperFailureKind.Exited, HelperDirective.Stop), (decision.Kind, decision.Directive));
        ExpectTerminated(helper, Patience);
    }

    [Fact]
    public void An_unexecutable_blob_is_LaunchFailed_and_stops_the_actor()
    {
        using var blob = HelperBlob.FromBytes("not-a-program", "just text\n"u8);
        var decisions = SubscribeDecisions();
        var helper = Sys.ActorOf(HelperActor.Props(blob));
        Watch(helper);
        var decision = decisions.ExpectMsg<HelperSupervisionDecision>(Patience);
        Assert.Equal((HelperFailureKind.LaunchFailed, HelperDirective.Stop), (decision.Kind, decision.Directive));
        Assert.Contains("ENOEXEC", decision.Failure.Message);
        ExpectTerminated(helper, Patience);
    }

    [Fact]
    public async Task Stopping_the_actor_is_never_reported_as_an_admin_kill()
    {
        // A real stop of a real process: SIGTERM to its group, then SIGKILL, exactly as the actor's
        // stop does; the end is classified with what the host recorded, as the actor would.
        using var blob = HelperBlob.FromBytes("stopped-by-host", "#!/bin/sh\nsleep 30\n"u8);
        await using var process = Native.Launch.HelperLauncher.Launch(blob, Native.Launch.LaunchOptions.Default);
        var exit = await process.TerminateAsync(TimeSpan.FromSeconds(5)).WaitAsync(Patience);
        Assert.Equal(SignalNames.SIGTERM, exit.Signal);

        var stopped = FailureClassifier.Classify("stopped-by-host", exit, HostKillReason.Stop, process.LastSignalSentByHost, null, null);
        Assert.IsNotType<HelperKilledException>(stopped);
        Assert.Equal(HelperFailureKind.Exited, stopped.Kind);

        // A helper that ignored SIGTERM and died by the SIGKILL after the grace period: still the host's stop.
        var afterGrace = new ExitStatus(exit.Pid, null, SignalNames.SIGKILL, false, TimeSpan.FromSeconds(2));
        Assert.Equal(HelperFailureKind.Exited, FailureClassifier.Classify("h", afterGrace, HostKillReason.Stop, SignalNames.SIGKILL, null, null).Kind);
        // Without the host's stop on record the same SIGKILL is an admin's kill.
        Assert.Equal(HelperFailureKind.Killed, FailureClassifier.Classify("h", afterGrace, HostKillReason.None, 0, null, null).Kind);
    }

    private Akka.TestKit.TestProbe SubscribeDecisions()
    {
        var probe = CreateTestProbe();
        Sys.EventStream.Subscribe(probe.Ref, typeof(HelperSupervisionDecision));
        return probe;
    }
}
