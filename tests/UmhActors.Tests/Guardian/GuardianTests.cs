using Akka.Actor;
using UmhActors.Failures;
using UmhActors.Guardian;
using UmhActors.Helpers;
using UmhActors.Native.Blobs;
using UmhActors.Native.Launch;
using UmhActors.Native.OneShot;
using UmhActors.Requests;
using UmhActors.Supervision;
using UmhActors.Tests.Shared;
using UmhActors.Tests.Support;
using Xunit.Abstractions;

namespace UmhActors.Tests.Guardian;

public sealed class GuardianTests(ITestOutputHelper output) : HelperSpec(output)
{
    private UmhGuardian Guardian => UmhGuardian.Get(Sys);

    [Fact]
    public async Task Launches_during_Freezing_wait_and_complete_after_thaw_in_order()
    {
        await Guardian.FreezeAsync(Patience);
        var helpers = Enumerable.Range(0, 3).Select(i => Sys.ActorOf(HelperActor.Props(TestHelperBlob.Instance), $"frozen-{i}")).ToArray();
        await Task.Delay(300);
        foreach (var helper in helpers)
            Assert.Equal(0, (await helper.Ask<HelperStatus>(GetHelperStatus.Instance, Patience)).Pid);
        Assert.Equal(3, (await Guardian.GetStatusAsync()).Waiting);

        await Guardian.EnableAsync();
        foreach (var helper in helpers) Assert.True(await WaitReadyAsync(helper) > 0);
    }

    [Fact]
    public async Task Waiting_launches_are_released_in_the_order_they_asked()
    {
        await Guardian.FreezeAsync(Patience);
        var launchers = Enumerable.Range(0, 5).Select(_ => CreateTestProbe()).ToArray();
        foreach (var launcher in launchers)
        {
            Guardian.Actor.Tell(new RequestLaunchPermit(false, TimeSpan.FromMinutes(1)), launcher.Ref);
            await AwaitConditionAsync(async () => (await Guardian.GetStatusAsync()).Waiting == Array.IndexOf(launchers, launcher) + 1, Patience);
        }
        foreach (var launcher in launchers) launcher.ExpectNoMsg(TimeSpan.FromMilliseconds(50));
        await Guardian.EnableAsync();
        var permits = launchers.Select(l => l.ExpectMsg<LaunchPermitGranted>(Patience).PermitId).ToArray();
        Assert.Equal(permits.Order(), permits);
    }

    [Fact]
    public async Task A_launch_whose_wait_runs_out_fails_with_a_typed_timeout()
    {
        await Guardian.FreezeAsync(Patience);
        try
        {
            var decisions = CreateTestProbe();
            Sys.EventStream.Subscribe(decisions.Ref, typeof(HelperSupervisionDecision));
            var helper = Sys.ActorOf(HelperActor.Props(TestHelperBlob.Instance, HelperOptions.Default.WithLaunchPermitTimeout(TimeSpan.FromMilliseconds(300))));
            Watch(helper);
            var decision = decisions.ExpectMsg<HelperSupervisionDecision>(Patience);
            Assert.Equal((HelperFailureKind.LaunchFailed, HelperDirective.Stop), (decision.Kind, decision.Directive));
            Assert.IsType<LaunchPermitTimeoutException>(decision.Failure.InnerException);
            ExpectTerminated(helper, Patience);
        }
        finally
        {
            await Guardian.EnableAsync();
        }
    }

    [Fact]
    public async Task Try_only_launches_fail_at_once_while_freezing()
    {
        await Guardian.FreezeAsync(Patience);
        try
        {
            var failure = await Assert.ThrowsAsync<LaunchPermitTimeoutException>(() =>
                Guardian.Actor.Ask<LaunchPermitGranted>(new RequestLaunchPermit(TryOnly: true, TimeSpan.FromMinutes(1)), Patience));
            Assert.True(failure.TryOnly);
        }
        finally
        {
            await Guardian.EnableAsync();
        }
    }

    [Fact]
    public async Task Disabled_fails_launches_at_once()
    {
        await Guardian.DisableAsync(Patience);
        try
        {
            await Assert.ThrowsAsync<LaunchesDisabledException>(() =>
                Guardian.Actor.Ask<LaunchPermitGranted>(new RequestLaunchPermit(false, TimeSpan.FromMinutes(1)), Patience));
            await Assert.ThrowsAsync<LaunchesDisabledException>(() =>
                Guardian.CallUserModeHelperAsync(TestHelperBlob.Instance, ["testhelper"], null, UmhWait.WaitExec, TimeSpan.FromSeconds(1)));

            var helper = Sys.ActorOf(HelperActor.Props(TestHelperBlob.Instance));
            Watch(helper);
            ExpectTerminated(helper, Patience);
        }
        finally
        {
            await Guardian.EnableAsync();
        }
    }

    [Fact]
    public async Task Disable_with_a_slow_launch_in_progress_reports_busy_and_stays_Enabled()
    {
        // A helper that takes 3 s to start (and never says hello) holds its permit meanwhile.
        using var slow = HelperBlob.FromBytes("slow-start", "#!/bin/sh\nsleep 3\n"u8);
        Sys.ActorOf(HelperActor.Props(slow, HelperOptions.Default.WithStartupTimeout(TimeSpan.FromSeconds(10))));
        await AwaitConditionAsync(async () => (await Guardian.GetStatusAsync()).InFlight == 1, Patience);

        var started = DateTime.UtcNow;
        var busy = await Assert.ThrowsAsync<GuardianBusyException>(() => Guardian.DisableAsync(TimeSpan.FromMilliseconds(300)));
        Assert.InRange((DateTime.UtcNow - started).TotalMilliseconds, 250, 2500);
        Assert.Contains("still in progress", busy.Message);
        Assert.Equal(GuardianState.Enabled, (await Guardian.GetStatusAsync()).State);
    }

    [Fact]
    public async Task Freezing_running_helpers_stops_their_processes_and_answers_requests_after_thaw()
    {
        var (helper, pid) = await StartHelperAsync();
        await Guardian.FreezeAsync(Patience, freezeRunning: true);
        string? stateWhileFrozen;
        Task<int> call;
        try
        {
            await HostCensus.EventuallyAsync(() => HostCensus.ReadStat($"/proc/{pid}")?.State == 'T', Patience);
            stateWhileFrozen = HostCensus.ReadStat($"/proc/{pid}")?.State.ToString();
            call = new HelperClient(helper).CallAsync<int[], int>("add", [20, 22]);
            await Task.Delay(500);
            Assert.False(call.IsCompleted, "a frozen helper answered");
        }
        finally
        {
            await Guardian.EnableAsync();
        }
        Assert.Equal("T", stateWhileFrozen);
        Assert.Equal(42, await call.WaitAsync(Patience));
    }

    [RealCgroupFact(needsFreezer: true)]
    public async Task Helpers_with_a_cgroup_are_frozen_by_the_cgroup_freezer()
    {
        var options = HelperOptions.Default.WithLaunch(LaunchOptions.Default.WithCgroup());
        var (helper, _) = await StartHelperAsync(options);
        await Guardian.FreezeAsync(Patience, freezeRunning: true);
        bool frozen;
        Task<int> call;
        try
        {
            var freezerState = await helper.Ask<HelperFreezeDone>(new SetHelperFrozen(true), Patience);
            frozen = freezerState.How == "cgroup";
            call = new HelperClient(helper).CallAsync<int[], int>("add", [1, 2]);
            await Task.Delay(300);
            Assert.False(call.IsCompleted);
        }
        finally
        {
            await Guardian.EnableAsync();
        }
        Assert.True(frozen);
        Assert.Equal(3, await call.WaitAsync(Patience));
    }

    [Fact]
    public async Task A_frozen_helper_is_not_reported_as_hung()
    {
        var options = HelperOptions.Default.WithWatchdog(TimeSpan.FromMilliseconds(50), TimeSpan.FromSeconds(1));
        var (helper, pid) = await StartHelperAsync(options);
        var decisions = CreateTestProbe();
        Sys.EventStream.Subscribe(decisions.Ref, typeof(HelperSupervisionDecision));
        await Guardian.FreezeAsync(Patience, freezeRunning: true);
        // Frozen for well over the watchdog's timeout.
        await Task.Delay(2500);
        await Guardian.EnableAsync();
        decisions.ExpectNoMsg(TimeSpan.FromMilliseconds(500));
        Assert.Equal(pid, (await helper.Ask<HelperStatus>(GetHelperStatus.Instance, Patience)).Pid);
    }

    [Fact]
    public async Task A_crash_during_a_freeze_restarts_only_after_thaw()
    {
        var policy = HelperSupervisionPolicy.Default.WithBackoff(HelperBackoff.None);
        var (helper, pid) = await StartHelperAsync(HelperOptions.Default.WithSupervision(policy));
        await Guardian.FreezeAsync(Patience);
        int pidWhileFrozen;
        try
        {
            await Assert.ThrowsAsync<HelperCrashedException>(() => new HelperClient(helper).SendAsync(Call("crash")));
            await Task.Delay(500);
            pidWhileFrozen = (await helper.Ask<HelperStatus>(GetHelperStatus.Instance, Patience)).Pid;
        }
        finally
        {
            await Guardian.EnableAsync();
        }
        Assert.Equal(0, pidWhileFrozen);
        var newPid = await WaitReadyAsync(helper);
        Assert.NotEqual(pid, newPid);
    }

    [Fact]
    public async Task State_changes_are_published()
    {
        var events = CreateTestProbe();
        Sys.EventStream.Subscribe(events.Ref, typeof(GuardianStatus));
        await Guardian.FreezeAsync(Patience);
        events.FishForMessage<GuardianStatus>(s => s.State == GuardianState.Freezing, Patience);
        await Guardian.EnableAsync();
        events.FishForMessage<GuardianStatus>(s => s.State == GuardianState.Enabled, Patience);
    }

    private static async Task AwaitConditionAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("condition not met");
            await Task.Delay(20);
        }
    }
}
