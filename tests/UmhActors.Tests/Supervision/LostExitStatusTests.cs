using UmhActors.Failures;
using UmhActors.Native.Exit;

namespace UmhActors.Tests.Supervision;

/// <summary>The reaper reports neither exit code nor signal when waitid says ECHILD (the child was
/// reaped elsewhere); classifying that must not throw inside the actor.</summary>
public sealed class LostExitStatusTests
{
    private static readonly ExitStatus Lost = new(4242, null, null, false, TimeSpan.FromMilliseconds(30));

    [Fact]
    public void A_lost_exit_status_is_Failed_and_says_why()
    {
        var failure = FailureClassifier.Classify("h", Lost, HostKillReason.None, 0, null, null);
        Assert.Equal(HelperFailureKind.Failed, failure.Kind);
        Assert.Contains("ECHILD", failure.Message);
    }

    [Fact]
    public void A_lost_exit_status_after_the_hosts_own_kill_keeps_the_kill_reason()
    {
        Assert.Equal(HelperFailureKind.Hung, FailureClassifier.Classify("h", Lost, HostKillReason.Hang, SignalNames.SIGKILL, null, null).Kind);
        Assert.Equal(HelperFailureKind.Exited, FailureClassifier.Classify("h", Lost, HostKillReason.Stop, SignalNames.SIGTERM, null, null).Kind);
    }
}
