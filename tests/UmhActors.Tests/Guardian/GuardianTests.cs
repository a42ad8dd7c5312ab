using Akka.Actor;
using UmhActors.Failures;
using UmhActors.Guardian;
using UmhActors.Helpers;
using UmhActors.Native.Blobs;
using UmhActors.Native.Cgroups;
using UmhActors.Native.Launch;
using UmhActors.Native.OneShot;
using UmhActors.Requests;
using UmhActors.Supervision;
using UmhActors.Tests.Shared;
using UmhActors.Tests.Support;
using Xunit.Abstractions;

namespace UmhActors.Tests.Guardian;

public sealed class GuardianTests(ITestOutputHelper output) : HelperSpec(output, SingleThreadDispatcher)
{
    // One thread for the actors that must act in the order their messages were sent.
    private const string SingleThreadDispatcher = """
        one-thread-dispatcher {
          type = ForkJoinDispatcher
          throughput = 100
          dedicated-thread-pool { thread-count = 1 }
        }
        """;

    private UmhGuardian Guardian => UmhGuardian.Get(Sys);

    [Fact]
    public async Task Launches_during_Freezing_wait_and_complete_after_thaw_in_order()
    {
        await Guardian.FreezeAsync(Patience);
        var helpers = new List<IActorRef>();
        var queued = new List<Akka.TestKit.TestProbe>();
        for (var i = 0; i < 3; i++)
        {
            helpers.Add(Sys.ActorOf(HelperActor.Props(TestHelperBlob.Instance).WithDispatcher("one-thread-dispatcher"), $"frozen-{i}"));
            // A launcher of our own queues behind each helper: its permit id shows the release order
            // (spawns then run in parallel on the spawn threads, so pids no longer would).
            var launcher = CreateTestProbe();
            Guardian.Actor.Tell(new RequestLaunchPermit(false, TimeSpan.FromMinutes(1)), launcher.Ref);
            queued.Add(launcher);
            await AwaitConditionAsync(async () => (await Guardian.GetStatusAsync()).Waiting == 2 * (i + 1), Patience);
        }
        foreach (var helper in helpers)
            Assert.Equal(0, (await helper.Ask<HelperStatus>(GetHelperStatus.Instance, Patience)).Pid);

        await Guardian.EnableAsync();
        var pids = new List<int>();
        foreach (var helper in helpers) pids.Add(await WaitReadyAsync(helper));
        Assert.All(pids, pid => Assert.True(pid > 0));
        // The guardian numbers its permits as it grants them: the launchers queued in order were
        // released in order.
        var permits = queued.Select(launcher => launcher.ExpectMsg<LaunchPermitGranted>(Patience).PermitId).ToList();
        Assert.True(permits.Zip(permits.Skip(1)).All(p => p.First < p.Second), $"released out of order: permits {string.Join(", ", permits)}");
        foreach (var (launcher, permit) in queued.Zip(permits)) Guardian.Actor.Tell(new ReturnLaunchPermit(permit), launcher.Ref);
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
        Task<int> call;
        try
        {
            Assert.True(await HostCensus.EventuallyAsync(() => HostCensus.ReadStat($"/proc/{pid}")?.State == 'T', Patience), "the helper was not stopped");
            call = new HelperClient(helper).CallAsync<int[], int>("add", [20, 22]);
            // Sent to the helper, which cannot read it while stopped.
            await AwaitConditionAsync(async () => (await helper.Ask<HelperStatus>(GetHelperStatus.Instance, Patience)).InFlight == 1, Patience);
            Assert.Equal('T', HostCensus.ReadStat($"/proc/{pid}")?.State);
            Assert.False(call.IsCompleted, "a frozen helper answered");
        }
        finally
        {
            await Guardian.EnableAsync();
        }
        Assert.Equal(42, await call.WaitAsync(Patience));
    }

    [RealCgroupFact(needsFreezer: true)]
    public async Task Helpers_with_a_cgroup_are_frozen_by_the_cgroup_freezer()
    {
        var options = HelperOptions.Default.WithLaunch(LaunchOptions.Default.WithCgroup());
        var (helper, pid) = await StartHelperAsync(options);
        Assert.False(CgroupFrozen(pid));
        await Guardian.FreezeAsync(Patience, freezeRunning: true);
        Task<int> call;
        try
        {
            // The guardian, not the test, froze it: the kernel's freezer says so.
            Assert.True(CgroupFrozen(pid), "the guardian did not freeze the helper's cgroup");
            call = new HelperClient(helper).CallAsync<int[], int>("add", [1, 2]);
            await AwaitConditionAsync(async () => (await helper.Ask<HelperStatus>(GetHelperStatus.Instance, Patience)).InFlight == 1, Patience);
            Assert.True(CgroupFrozen(pid));
            Assert.False(call.IsCompleted, "a frozen helper answered");
        }
        finally
        {
            await Guardian.EnableAsync();
        }
        Assert.Equal(3, await call.WaitAsync(Patience));
        Assert.False(CgroupFrozen(pid));
    }

    [Fact]
    public async Task A_frozen_helper_is_not_reported_as_hung()
    {
        var options = HelperOptions.Default.WithWatchdog(TimeSpan.FromMilliseconds(50), TimeSpan.FromSeconds(1));
        var (helper, pid) = await StartHelperAsync(options);
        var decisions = CreateTestProbe();
        Sys.EventStream.Subscribe(decisions.Ref, typeof(HelperSupervisionDecision));
        await Guardian.FreezeAsync(Patience, freezeRunning: true);
        try
        {
            Assert.True(await HostCensus.EventuallyAsync(() => HostCensus.ReadStat($"/proc/{pid}")?.State == 'T', Patience), "the helper was not frozen");
            // Frozen for over twice the watchdog's timeout: a watchdog that pinged a frozen helper
            // would have declared it hung by now (FailureKindTests shows one does for a live hang).
            decisions.ExpectNoMsg(TimeSpan.FromMilliseconds(2500));
            Assert.Equal('T', HostCensus.ReadStat($"/proc/{pid}")?.State);
        }
        finally
        {
            await Guardian.EnableAsync();
        }
        Assert.Equal(5, await new HelperClient(helper).CallAsync<int[], int>("add", [2, 3]).WaitAsync(Patience));
        Assert.Equal(pid, (await helper.Ask<HelperStatus>(GetHelperStatus.Instance, Patience)).Pid);
        decisions.ExpectNoMsg(TimeSpan.Zero);
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
            // The restart has asked for its permit and waits for it: it can only launch on thaw.
            await AwaitConditionAsync(async () => (await Guardian.GetStatusAsync()).Waiting == 1, Patience);
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

    // Whether the kernel reports the helper's own cgroup frozen: v1 freezer.state, v2 cgroup.events.
    private static bool CgroupFrozen(int pid)
    {
        var support = CgroupSupport.Current;
        foreach (var line in File.ReadAllLines($"/proc/{pid}/cgroup"))
        {
            var parts = line.Split(':', 3);
            var name = Path.GetFileName(parts[2]);
            if (support.Backend == CgroupBackend.V1 && parts[1].Split(',').Contains("freezer"))
                return File.ReadAllText(Path.Combine(support.HostDirectories[1], name, "freezer.state")).Trim() == "FROZEN";
            if (support.Backend == CgroupBackend.V2 && parts[0] == "0")
                return File.ReadAllLines(Path.Combine(support.HostDirectories[0], name, "cgroup.events")).Contains("frozen 1");
        }
        throw new InvalidOperationException($"helper {pid} is in no freezer cgroup");
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
