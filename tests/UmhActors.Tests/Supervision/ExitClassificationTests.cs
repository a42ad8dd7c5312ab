using UmhActors.Failures;
using UmhActors.Native.Exit;

namespace UmhActors.Tests.Supervision;

/// <summary>How an exit status becomes a failure kind (docs/supervision.md), decided from the
/// status, the host's own kill (reason and signal) and the memory cgroup's OOM count.</summary>
public sealed class ExitClassificationTests
{
    private static readonly TimeSpan Uptime = TimeSpan.FromMilliseconds(250);

    private static ExitStatus Code(int code) => new(100, code, null, false, Uptime);

    private static ExitStatus Signal(int signal, bool core = false) => new(100, null, signal, core, Uptime);

    private static HelperFailureException Classify(ExitStatus exit, HostKillReason reason = HostKillReason.None, int hostSignal = 0,
        long? oomKills = null, Exception? cause = null) =>
        FailureClassifier.Classify("worker", exit, reason, hostSignal, oomKills, cause);

    [Fact]
    public void Exit_code_zero_is_Exited_and_any_other_code_is_Failed()
    {
        var exited = Classify(Code(0));
        Assert.IsType<HelperExitedException>(exited);
        Assert.Equal(HelperFailureKind.Exited, exited.Kind);
        Assert.Equal("exited with code 0 after 250 ms", exited.Evidence);
        Assert.Equal("helper 'worker' (pid 100) exited with code 0 after 250 ms", exited.Message);

        var failed = Classify(Code(3));
        Assert.Equal(HelperFailureKind.Failed, failed.Kind);
        Assert.Equal("exited with code 3 after 250 ms", failed.Evidence);
        Assert.Equal(3, failed.ExitCode);
        Assert.Null(failed.Signal);
        Assert.Equal(100, failed.Pid);
        Assert.Equal("worker", failed.HelperName);
        Assert.Equal(Uptime, failed.Uptime);
        Assert.Equal(HelperFailureKind.Failed, Classify(Code(1), HostKillReason.Hang, SignalNames.SIGKILL).Kind);
    }

    [Theory]
    [InlineData(SignalNames.SIGSEGV)]
    [InlineData(SignalNames.SIGBUS)]
    [InlineData(SignalNames.SIGILL)]
    [InlineData(SignalNames.SIGFPE)]
    [InlineData(SignalNames.SIGABRT)]
    [InlineData(SignalNames.SIGSYS)]
    [InlineData(SignalNames.SIGTRAP)]
    [InlineData(SignalNames.SIGXCPU)]
    [InlineData(SignalNames.SIGXFSZ)]
    [InlineData(SignalNames.SIGQUIT)]
    public void A_core_dump_signal_the_host_did_not_send_is_Crashed(int signal)
    {
        Assert.True(FailureClassifier.IsCoreDumpSignal(signal));
        var crashed = Classify(Signal(signal, core: true), oomKills: 1);

        Assert.Equal(HelperFailureKind.Crashed, crashed.Kind);
        Assert.True(crashed.CoreDumped);
        Assert.Equal($"crashed: killed by {SignalNames.Of(signal)} ({signal}), core dumped after 250 ms", crashed.Evidence);
        Assert.Equal($"crashed: killed by {SignalNames.Of(signal)} ({signal}) after 250 ms", Classify(Signal(signal)).Evidence);
    }

    [Theory]
    [InlineData(SignalNames.SIGKILL)]
    [InlineData(SignalNames.SIGTERM)]
    [InlineData(SignalNames.SIGINT)]
    [InlineData(SignalNames.SIGHUP)]
    [InlineData(SignalNames.SIGPIPE)]
    [InlineData(SignalNames.SIGUSR1)]
    public void Other_signals_are_not_core_dump_signals(int signal) => Assert.False(FailureClassifier.IsCoreDumpSignal(signal));

    [Fact]
    public void A_SIGKILL_counted_by_the_memory_cgroup_is_OomKilled()
    {
        var oom = Classify(Signal(SignalNames.SIGKILL), oomKills: 2);

        Assert.Equal(HelperFailureKind.OomKilled, oom.Kind);
        Assert.Equal("was OOM-killed: SIGKILL with oom_kill=2 in its memory cgroup after 250 ms", oom.Evidence);
    }

    [Fact]
    public void A_kill_the_host_did_not_send_and_no_oom_explains_is_Killed_saying_whether_oom_could_be_told()
    {
        var withCgroup = Classify(Signal(SignalNames.SIGKILL), oomKills: 0);
        Assert.Equal(HelperFailureKind.Killed, withCgroup.Kind);
        Assert.Equal("was killed by SIGKILL (9), which the host did not send, after 250 ms", withCgroup.Evidence);

        var withoutCgroup = Classify(Signal(SignalNames.SIGKILL));
        Assert.Equal(HelperFailureKind.Killed, withoutCgroup.Kind);
        Assert.Equal("was killed by SIGKILL (9), which the host did not send; no memory cgroup, so an OOM kill cannot be told apart, after 250 ms",
            withoutCgroup.Evidence);

        Assert.Equal(HelperFailureKind.Killed, Classify(Signal(SignalNames.SIGTERM), oomKills: 5).Kind);
    }

    [Fact]
    public void The_hosts_watchdog_kill_is_Hung_its_violation_kill_a_ProtocolViolation_and_its_handshake_kill_LaunchFailed()
    {
        var hung = Classify(Signal(SignalNames.SIGKILL), HostKillReason.Hang, SignalNames.SIGKILL, oomKills: 0);
        Assert.Equal(HelperFailureKind.Hung, hung.Kind);
        Assert.Equal("did not answer the watchdog and was killed by the host (SIGKILL) after 250 ms", hung.Evidence);

        var cause = new InvalidOperationException("bad frame");
        var violation = Classify(Signal(SignalNames.SIGKILL), HostKillReason.ProtocolViolation, SignalNames.SIGKILL, cause: cause);
        Assert.Equal(HelperFailureKind.ProtocolViolation, violation.Kind);
        Assert.Equal("broke the protocol (bad frame) and was killed by the host", violation.Evidence);
        Assert.Same(cause, violation.InnerException);
        Assert.Equal("broke the protocol (unknown) and was killed by the host",
            Classify(Signal(SignalNames.SIGKILL), HostKillReason.ProtocolViolation, SignalNames.SIGKILL).Evidence);

        var handshake = Classify(Signal(SignalNames.SIGKILL), HostKillReason.HandshakeTimeout, SignalNames.SIGKILL);
        Assert.Equal(HelperFailureKind.LaunchFailed, handshake.Kind);
        Assert.Equal("sent no $/hello in time and was killed by the host", handshake.Evidence);
    }

    [Fact]
    public void The_hosts_kill_explains_a_death_only_when_the_ending_signal_is_the_one_it_sent()
    {
        // The host sent SIGKILL for a hang, but the helper had already died of SIGSEGV.
        Assert.Equal(HelperFailureKind.Crashed, Classify(Signal(SignalNames.SIGSEGV), HostKillReason.Hang, SignalNames.SIGKILL).Kind);
        // The memory cgroup's OOM kill arrived before the host's watchdog signal.
        Assert.Equal(HelperFailureKind.OomKilled,
            Classify(Signal(SignalNames.SIGKILL), HostKillReason.Hang, SignalNames.SIGTERM, oomKills: 1).Kind);
        // A matching signal with no host kill recorded is not the host's.
        Assert.Equal(HelperFailureKind.Killed, Classify(Signal(SignalNames.SIGKILL), HostKillReason.None, SignalNames.SIGKILL).Kind);
    }
}
