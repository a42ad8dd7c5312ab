using Akka.Actor;
using UmhActors.Guardian;
using UmhActors.Helpers;
using UmhActors.Native.Blobs;
using UmhActors.Supervision;
using UmhActors.Tests.Shared;
using UmhActors.Tests.Support;

namespace UmhActors.Tests.Guardian;

public sealed class ShutdownTests
{
    [Fact]
    public async Task No_launch_happens_during_CoordinatedShutdown_and_running_helpers_end()
    {
        var system = ActorSystem.Create("shutting-down");
        var guardian = UmhGuardian.Get(system);
        var running = system.ActorOf(HelperActor.Props(TestHelperBlob.Instance));
        var runningPid = await WaitReadyAsync(running);

        // The same program under its own name, so its processes are recognisable.
        using var resource = typeof(ShutdownTests).Assembly.GetManifestResourceStream("umh-helper:testhelper")!;
        using var lateBlob = HelperBlob.FromStream("late-helper", resource);
        var decisions = new List<HelperSupervisionDecision>();
        var lateState = new TaskCompletionSource<GuardianState>();
        CoordinatedShutdown.Get(system).AddTask(CoordinatedShutdown.PhaseServiceUnbind, "late-launch", async () =>
        {
            lateState.SetResult((await guardian.GetStatusAsync()).State);
            var listener = system.ActorOf(Props.Create(() => new DecisionCollector(decisions)));
            system.EventStream.Subscribe(listener, typeof(HelperSupervisionDecision));
            var late = system.ActorOf(HelperActor.Props(lateBlob), "late");
            await late.WatchAsync();
            // The decision travels through the EventStream; let it arrive before the system goes.
            for (var i = 0; i < 150 && !HasLateDecision(decisions); i++) await Task.Delay(20);
            return Akka.Done.Instance;
        });

        await CoordinatedShutdown.Get(system).Run(CoordinatedShutdown.ClrExitReason.Instance).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(GuardianState.Disabled, await lateState.Task.WaitAsync(TimeSpan.FromSeconds(10)));
        HelperSupervisionDecision refused;
        lock (decisions) refused = Assert.Single(decisions, d => d.HelperName == "late-helper");
        Assert.IsType<LaunchesDisabledException>(refused.Failure.InnerException);
        Assert.Empty(HostCensus.RunningChildrenOfBlob("late-helper"));
        Assert.True(await HostCensus.EventuallyAsync(() => !HostCensus.IsRunning(runningPid), TimeSpan.FromSeconds(10)));
    }

    private static bool HasLateDecision(List<HelperSupervisionDecision> decisions)
    {
        lock (decisions) return decisions.Any(d => d.HelperName == "late-helper");
    }

    private sealed class DecisionCollector : ReceiveActor
    {
        public DecisionCollector(List<HelperSupervisionDecision> into) =>
            Receive<HelperSupervisionDecision>(d => { lock (into) into.Add(d); });
    }

    private static async Task<int> WaitReadyAsync(IActorRef actor)
    {
        for (var i = 0; i < 500; i++)
        {
            var status = await actor.Ask<HelperStatus>(GetHelperStatus.Instance, TimeSpan.FromSeconds(10));
            if (status.Ready) return status.Pid;
            await Task.Delay(20);
        }
        throw new TimeoutException("not ready");
    }
}
