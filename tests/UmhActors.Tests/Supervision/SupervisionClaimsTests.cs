using System.Diagnostics;
using Akka.Actor;
using Akka.Event;
using UmhActors.Failures;
using UmhActors.Guardian;
using UmhActors.Helpers;
using UmhActors.Requests;
using UmhActors.Supervision;
using UmhActors.Tests.Support;
using Xunit.Abstractions;

namespace UmhActors.Tests.Supervision;

/// <summary>What docs/supervision.md promises about directives, the guardian and the log.</summary>
public sealed class SupervisionClaimsTests(ITestOutputHelper output) : HelperSpec(output)
{
    [Fact]
    public async Task The_Stop_directive_fails_queued_requests_with_the_helpers_failure()
    {
        // Default policy: an admin's kill stops the actor.
        var (helper, pid) = await StartHelperAsync(HelperOptions.Default.WithBounds(maxInFlight: 1, maxQueued: 10));
        var client = new HelperClient(helper);
        var inFlight = client.SendAsync(Call("sleep", 10_000));
        var queued = Enumerable.Range(0, 3).Select(i => client.CallAsync<int[], int>("add", [i, 1])).ToArray();
        var deadline = DateTime.UtcNow + Patience;
        while ((await helper.Ask<HelperStatus>(GetHelperStatus.Instance, Patience)).Queued < 3)
        {
            Assert.True(DateTime.UtcNow < deadline, "the requests were never queued");
            await Task.Delay(10);
        }
        Watch(helper);

        Signal(pid, "-KILL");

        await Assert.ThrowsAsync<HelperKilledException>(() => inFlight.WaitAsync(Patience));
        foreach (var request in queued)
        {
            // The helper's own failure, not the generic "actor stopped" one PostStop would give.
            var failure = await Assert.ThrowsAsync<HelperKilledException>(() => request.WaitAsync(Patience));
            Assert.Equal(pid, failure.Pid);
        }
        ExpectTerminated(helper, Patience);
    }

    [Fact]
    public async Task A_dead_helper_is_not_restarted_while_launches_are_Disabled()
    {
        var guardian = UmhGuardian.Get(Sys);
        var policy = HelperSupervisionPolicy.Default.WithBackoff(HelperBackoff.None).With(HelperFailureKind.Killed, HelperDirective.Restart);
        var (helper, pid) = await StartHelperAsync(HelperOptions.Default.WithSupervision(policy));
        var decisions = CreateTestProbe();
        Sys.EventStream.Subscribe(decisions.Ref, typeof(HelperSupervisionDecision));
        Watch(helper);
        await guardian.DisableAsync(Patience);
        try
        {
            Signal(pid, "-KILL");
            var killed = decisions.ExpectMsg<HelperSupervisionDecision>(Patience);
            Assert.Equal((HelperFailureKind.Killed, HelperDirective.Restart), (killed.Kind, killed.Directive));
            var refused = decisions.ExpectMsg<HelperSupervisionDecision>(Patience);
            Assert.Equal((HelperFailureKind.LaunchFailed, HelperDirective.Stop), (refused.Kind, refused.Directive));
            Assert.IsType<LaunchesDisabledException>(refused.Failure.InnerException);
            ExpectTerminated(helper, Patience);
            Assert.Equal(0, (await guardian.GetStatusAsync()).InFlight);
        }
        finally
        {
            await guardian.EnableAsync();
        }
    }

    [Fact]
    public async Task Every_supervision_decision_is_logged_with_the_failure_and_the_directive()
    {
        var decisions = CreateTestProbe();
        Sys.EventStream.Subscribe(decisions.Ref, typeof(HelperSupervisionDecision));
        var warnings = CreateTestProbe();
        Sys.EventStream.Subscribe(warnings.Ref, typeof(Warning));

        // Restart.
        var (restarting, _) = await StartHelperAsync(HelperOptions.Default.WithSupervision(HelperSupervisionPolicy.Default.WithBackoff(HelperBackoff.None)));
        await Assert.ThrowsAsync<HelperCrashedException>(() => new HelperClient(restarting).SendAsync(Call("crash")));
        ExpectLogged(decisions.ExpectMsg<HelperSupervisionDecision>(Patience), warnings, "restart #1 in 0 ms");

        // Stop.
        var (_, stoppingPid) = await StartHelperAsync();
        Signal(stoppingPid, "-KILL");
        ExpectLogged(decisions.ExpectMsg<HelperSupervisionDecision>(Patience), warnings, "stop");

        // Escalate.
        var parent = Sys.ActorOf(Props.Create(() => new StoppingParent()));
        var escalating = await parent.Ask<IActorRef>(HelperActor.Props(TestHelperBlob.Instance, HelperOptions.Default.WithSupervision(HelperSupervisionPolicy.EscalateAll)), Patience);
        await WaitReadyAsync(escalating);
        await Assert.ThrowsAsync<HelperFailedException>(() => new HelperClient(escalating).SendAsync(Call("exit", 3)));
        ExpectLogged(decisions.ExpectMsg<HelperSupervisionDecision>(Patience), warnings, "escalate");
    }

    private static void ExpectLogged(HelperSupervisionDecision decision, Akka.TestKit.TestProbe warnings, string directive) =>
        warnings.FishForMessage<Warning>(w => w.Message.ToString() == $"{decision.Failure.Message}; {directive}", Patience);

    private static void Signal(int pid, string signal)
    {
        using var kill = Process.Start("/bin/kill", [signal, pid.ToString()]);
        kill.WaitForExit();
        Assert.Equal(0, kill.ExitCode);
    }

    private sealed class StoppingParent : ReceiveActor
    {
        public StoppingParent() => Receive<Props>(props => Sender.Tell(Context.ActorOf(props)));

        protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(_ => Directive.Stop);
    }
}
