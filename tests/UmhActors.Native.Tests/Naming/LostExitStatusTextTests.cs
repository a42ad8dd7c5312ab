using UmhActors.Native.Exit;

namespace UmhActors.Native.Tests.Naming;

/// <summary>When waitid says ECHILD (the helper was reaped elsewhere) the reaper reports neither
/// exit code nor signal; the status must say that, not read as a death by no signal.</summary>
public sealed class LostExitStatusTextTests
{
    // Exactly what ChildReaper builds on ECHILD.
    private static readonly ExitStatus Lost = new(4242, null, null, false, TimeSpan.FromMilliseconds(30.2));

    [Fact]
    public void A_lost_exit_status_reads_as_lost_with_ECHILD_and_not_as_a_kill()
    {
        Assert.Equal("pid 4242 ended after 30 ms, exit status lost (waitid: ECHILD, reaped elsewhere)", Lost.ToString());
        Assert.DoesNotContain("killed", Lost.ToString());
    }

    [Fact]
    public void Only_a_status_with_neither_code_nor_signal_is_lost()
    {
        Assert.True(Lost.StatusLost);
        Assert.False(Lost.Exited);
        Assert.False(Lost.Signaled);
        Assert.False(new ExitStatus(1, 0, null, false, TimeSpan.Zero).StatusLost);
        Assert.False(new ExitStatus(1, null, SignalNames.SIGKILL, false, TimeSpan.Zero).StatusLost);
    }
}
