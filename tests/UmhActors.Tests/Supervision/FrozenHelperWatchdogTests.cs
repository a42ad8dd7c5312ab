using System.Diagnostics;
using UmhActors.Failures;
using UmhActors.Guardian;
using UmhActors.Helpers;
using UmhActors.Requests;
using UmhActors.Supervision;
using UmhActors.Tests.Support;
using Xunit.Abstractions;

namespace UmhActors.Tests.Supervision;

/// <summary>The watchdog's "frozen, do not ping" state follows the guardian even when no helper
/// runs at the moment of the freeze or thaw.</summary>
public sealed class FrozenHelperWatchdogTests(ITestOutputHelper output) : HelperSpec(output)
{
    [Fact]
    public async Task A_helper_that_died_while_frozen_comes_back_with_its_watchdog_on()
    {
        var guardian = UmhGuardian.Get(Sys);
        var policy = HelperSupervisionPolicy.Default.WithBackoff(HelperBackoff.None).With(HelperFailureKind.Killed, HelperDirective.Restart);
        var options = HelperOptions.Default.WithWatchdog(TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(400)).WithSupervision(policy);
        var (helper, pid) = await StartHelperAsync(options);
        var decisions = CreateTestProbe();
        Sys.EventStream.Subscribe(decisions.Ref, typeof(HelperSupervisionDecision));

        await guardian.FreezeAsync(Patience, freezeRunning: true);
        try
        {
            using (var kill = Process.Start("/bin/kill", ["-KILL", pid.ToString()])) await kill.WaitForExitAsync();
            Assert.Equal(HelperFailureKind.Killed, decisions.ExpectMsg<HelperSupervisionDecision>(Patience).Kind);
        }
        finally
        {
            await guardian.EnableAsync();
        }
        var newPid = await WaitReadyAsync(helper);
        Assert.NotEqual(pid, newPid);

        // The replacement stops answering pings: the watchdog must notice.
        var hang = new HelperClient(helper).SendAsync(Call("hang"));
        await Assert.ThrowsAsync<HelperHungException>(() => hang.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal(HelperFailureKind.Hung, decisions.ExpectMsg<HelperSupervisionDecision>(Patience).Kind);
    }
}
