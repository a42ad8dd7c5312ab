using UmhActors.Failures;
using UmhActors.Native.Exit;
using UmhActors.Supervision;
using Xunit.Abstractions;

namespace UmhActors.TestKit.Tests;

/// <summary>Faults sent as signals from outside: they work on any helper, test mode or not.</summary>
public sealed class SignalFaultTests(ITestOutputHelper output) : FaultSpec(output)
{
    [Fact]
    public async Task CrashAsync_segfaults_the_helper_for_real_and_it_is_Crashed_then_restarted()
    {
        // No test mode: a signal needs no cooperation.
        var helper = StartHelper(Helpers.HelperOptions.Default, out var pid);
        var faults = this.HelperFaults(helper, Patience);

        var hit = await faults.CrashAsync();

        Assert.Equal(pid, hit);
        var decision = this.ExpectHelperDecision(HelperFailureKind.Crashed, HelperDirective.Restart, helper, Patience);
        Assert.Equal((pid, SignalNames.SIGSEGV), (decision.Failure.Pid, decision.Failure.Signal));
        var replacement = this.AwaitHelperReady(helper, Patience);
        Assert.NotEqual(pid, replacement);
        Assert.Equal("still here", await EchoAsync(helper));
        StopAndExpectNothingLeft(helper);
    }

    [Fact]
    public async Task CrashAsync_with_another_signal_is_classified_by_that_signal()
    {
        var helper = StartHelper(Helpers.HelperOptions.Default, out var pid);

        Assert.Equal(pid, await this.HelperFaults(helper, Patience).CrashAsync(SignalNames.SIGABRT));

        var decision = this.ExpectHelperDecision(HelperFailureKind.Crashed, HelperDirective.Restart, helper, Patience);
        Assert.Equal(SignalNames.SIGABRT, decision.Failure.Signal);
        StopAndExpectNothingLeft(helper);
    }

    [Fact]
    public async Task AdminKillAsync_is_an_outsiders_SIGKILL_so_the_actor_stops()
    {
        var helper = StartHelper(Helpers.HelperOptions.Default, out var pid);
        Watch(helper);

        Assert.Equal(pid, await this.HelperFaults(helper, Patience).AdminKillAsync());

        var decision = this.ExpectHelperDecision(HelperFailureKind.Killed, HelperDirective.Stop, helper, Patience);
        Assert.Equal(SignalNames.SIGKILL, decision.Failure.Signal);
        ExpectTerminated(helper, Patience);
        this.ExpectNoHelperLeft(Patience);
    }

    [Fact]
    public async Task A_fault_that_cannot_happen_in_time_fails_with_a_timeout_instead_of_returning()
    {
        // A frozen process keeps the SIGSEGV pending: the crash cannot happen until the thaw.
        var helper = StartHelper(Helpers.HelperOptions.Default, out var pid);
        var faults = this.HelperFaults(helper, Patience);
        await faults.FreezeAsync();

        var late = await Assert.ThrowsAsync<TimeoutException>(() => new HelperFaults(Sys, helper, TimeSpan.FromSeconds(1)).CrashAsync());

        Assert.Contains($"pid {pid}", late.Message);
        await faults.ThawAsync();
        await faults.CrashAsync();
        this.ExpectHelperDecision(HelperFailureKind.Crashed, HelperDirective.Restart, helper, Patience);
        StopAndExpectNothingLeft(helper);
    }
}
