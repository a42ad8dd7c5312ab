using Akka.Actor;
using UmhActors.Guardian;
using UmhActors.Helpers;
using UmhActors.Requests;
using UmhActors.Supervision;
using UmhActors.Tests.Support;
using Xunit.Abstractions;

namespace UmhActors.Tests.Supervision;

/// <summary>Intervals are measured on a monotonic clock: a wall clock that jumps (NTP step, an
/// admin's <c>date -s</c>) neither fakes a hang nor expires a wait.</summary>
public sealed class MonotonicClockTests(ITestOutputHelper output) : HelperSpec(output)
{
    [Fact]
    public async Task A_wall_clock_jumping_forward_does_not_make_the_watchdog_kill_a_healthy_helper()
    {
        var clock = new JumpingWallClock();
        var options = HelperOptions.Default.WithWatchdog(TimeSpan.FromMilliseconds(30), TimeSpan.FromSeconds(1));
        var decisions = CreateTestProbe();
        Sys.EventStream.Subscribe(decisions.Ref, typeof(HelperSupervisionDecision));
        var helper = Sys.ActorOf(HelperActor.Props(TestHelperBlob.Instance, options, clock));
        var pid = await WaitReadyAsync(helper);

        // Every reading of the wall clock is an hour later than the one before; let the watchdog
        // look at the clock many times.
        var readsAtStart = clock.Reads;
        await AwaitAsync(() => clock.Reads >= readsAtStart + 20);

        Assert.False(decisions.HasMessages, "the watchdog killed a helper that answers its pings");
        Assert.Equal(pid, (await helper.Ask<HelperStatus>(GetHelperStatus.Instance, Patience)).Pid);
        Assert.Equal(3, await new HelperClient(helper).CallAsync<int[], int>("add", [1, 2]).WaitAsync(Patience));
    }

    [Fact]
    public async Task A_wall_clock_jumping_forward_does_not_expire_a_launch_waiting_for_a_thaw()
    {
        var clock = new JumpingWallClock();
        var guardian = Sys.ActorOf(Props.Create(() => new UmhActors.Guardian.GuardianActor(clock)));
        var caller = CreateTestProbe();
        guardian.Tell(new FreezeLaunches(TimeSpan.FromSeconds(5)), caller.Ref);
        Assert.True(caller.ExpectMsg<GuardianTransition>(Patience).Succeeded);

        var launcher = CreateTestProbe();
        guardian.Tell(new RequestLaunchPermit(false, TimeSpan.FromSeconds(10)), launcher.Ref);
        var readsAtStart = clock.Reads;
        await AwaitAsync(() => clock.Reads >= readsAtStart + 20);
        Assert.False(launcher.HasMessages, "a launch waiting for the thaw was failed by a wall-clock jump");

        guardian.Tell(EnableLaunches.Instance, caller.Ref);
        launcher.ExpectMsg<LaunchPermitGranted>(Patience);
    }

    private static async Task AwaitAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("the clock was never read");
            await Task.Delay(10);
        }
    }

    /// <summary>Real time, whose wall clock jumps an hour forward at every reading; counts the
    /// readings of either clock, so a test can wait until it has been looked at.</summary>
    private sealed class JumpingWallClock : TimeProvider
    {
        private long _reads;
        private long _jumps;

        public long Reads => Interlocked.Read(ref _reads);

        public override DateTimeOffset GetUtcNow()
        {
            Interlocked.Increment(ref _reads);
            return base.GetUtcNow() + TimeSpan.FromHours(Interlocked.Increment(ref _jumps));
        }

        public override long GetTimestamp()
        {
            Interlocked.Increment(ref _reads);
            return base.GetTimestamp();
        }
    }
}
