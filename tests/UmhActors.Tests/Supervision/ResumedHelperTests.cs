using Akka.Actor;
using UmhActors.Failures;
using UmhActors.Helpers;
using UmhActors.Requests;
using UmhActors.Supervision;
using UmhActors.Tests.Support;
using Xunit.Abstractions;

namespace UmhActors.Tests.Supervision;

/// <summary>After an escalation the parent's directive decides; Resume keeps the actor, which must
/// then launch a new helper itself.</summary>
public sealed class ResumedHelperTests(ITestOutputHelper output) : HelperSpec(output)
{
    [Fact]
    public async Task A_helper_actor_resumed_after_an_escalation_launches_a_new_helper_and_serves_again()
    {
        var parent = Sys.ActorOf(Props.Create(() => new ResumingParent()));
        var helper = await parent.Ask<IActorRef>(HelperActor.Props(TestHelperBlob.Instance,
            HelperOptions.Default.WithSupervision(HelperSupervisionPolicy.EscalateAll)), Patience);
        var pid = await WaitReadyAsync(helper);

        await Assert.ThrowsAsync<HelperCrashedException>(() => new HelperClient(helper).SendAsync(Call("crash")));
        var answer = new HelperClient(helper).CallAsync<int[], int>("add", [20, 22]);
        var newPid = await WaitReadyAsync(helper).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.NotEqual(pid, newPid);
        Assert.Equal(42, await answer.WaitAsync(Patience));
    }

    /// <summary>Creates the child it is asked to and resumes it whatever it throws.</summary>
    private sealed class ResumingParent : ReceiveActor
    {
        public ResumingParent() => Receive<Props>(props => Sender.Tell(Context.ActorOf(props)));

        protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(_ => Directive.Resume);
    }
}
