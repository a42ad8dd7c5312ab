using UmhActors.Failures;
using UmhActors.Helpers;
using UmhActors.Native.Exit;
using UmhActors.Requests;
using UmhActors.Supervision;
using UmhActors.Tests.Shared;
using Xunit.Abstractions;

namespace UmhActors.TestKit.Tests;

/// <summary>Faults the C# helper runtime causes itself in test mode: a hang, protocol garbage, an
/// allocation past its memory limit.</summary>
public sealed class CooperativeFaultTests(ITestOutputHelper output) : FaultSpec(output)
{
    [Fact]
    public async Task HangAsync_stops_the_watchdogs_pongs_so_the_helper_is_Hung_and_restarted()
    {
        var helper = StartHelper(TestMode.WithWatchdog(TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(500)), out var pid);

        Assert.Equal(pid, await this.HelperFaults(helper, Patience).HangAsync());

        var decision = this.ExpectHelperDecision(HelperFailureKind.Hung, HelperDirective.Restart, helper, Patience);
        Assert.Equal(pid, decision.Failure.Pid);
        Assert.NotEqual(pid, this.AwaitHelperReady(helper, Patience));
        StopAndExpectNothingLeft(helper);
    }

    [Fact]
    public async Task A_hung_helper_serves_no_request_and_still_ends_with_its_actor()
    {
        // No watchdog: nothing kills the hung helper but the actor's stop (stdin EOF, then signals).
        var helper = StartHelper(TestMode, out _);
        await this.HelperFaults(helper, Patience).HangAsync();

        await Assert.ThrowsAsync<HelperTimeoutException>(() => new HelperClient(helper).SendAsync(Echo(TimeSpan.FromMilliseconds(500))));
        StopAndExpectNothingLeft(helper);
    }

    [Fact]
    public async Task GarbleAsync_writes_bytes_that_are_a_ProtocolViolation_and_the_helper_restarts()
    {
        var helper = StartHelper(TestMode, out var pid);

        Assert.Equal(pid, await this.HelperFaults(helper, Patience).GarbleAsync());

        var decision = this.ExpectHelperDecision(HelperFailureKind.ProtocolViolation, HelperDirective.Restart, helper, Patience);
        Assert.Equal(pid, decision.Failure.Pid);
        Assert.IsType<Protocol.ProtocolViolationException>(decision.Failure.InnerException);
        Assert.Equal("still here", await EchoAsync(helper));
        StopAndExpectNothingLeft(helper);
    }

    [RealCgroupFact]
    public async Task OomKillAsync_allocates_past_the_cgroup_limit_until_the_kernel_OOM_kills_the_helper()
    {
        var limited = TestMode.WithLaunch(TestMode.Launch.WithMemoryLimit(64L * 1024 * 1024));
        var helper = StartHelper(limited, out var pid);

        Assert.Equal(pid, await this.HelperFaults(helper, Patience).OomKillAsync());

        var decision = this.ExpectHelperDecision(HelperFailureKind.OomKilled, HelperDirective.Restart, helper, Patience);
        Assert.Equal(SignalNames.SIGKILL, decision.Failure.Signal);
        Assert.True(decision.Failure.Exit!.OomKillCount >= 1);
        Assert.Equal("still here", await EchoAsync(helper));
        StopAndExpectNothingLeft(helper);
    }

    [RealCgroupFact]
    public async Task OomKillAsync_refuses_a_helper_without_a_memory_limit_of_its_own_and_harms_nothing()
    {
        // A cgroup but no limit: allocating would take memory the host shares with others.
        var helper = StartHelper(TestMode.WithLaunch(TestMode.Launch.WithCgroup()), out var pid);

        var refusal = await Assert.ThrowsAsync<HelperFaultUnavailableException>(() => this.HelperFaults(helper, Patience).OomKillAsync());

        Assert.Contains("no memory limit", refusal.Reason);
        Assert.Equal("still here", await EchoAsync(helper));
        Assert.Equal(pid, this.AwaitHelperReady(helper, Patience));
        StopAndExpectNothingLeft(helper);
    }
}
