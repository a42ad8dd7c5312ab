using Akka.Actor;
using Akka.Event;
using UmhActors.Guardian;
using UmhActors.Helpers;
using UmhActors.Tests.Support;
using Xunit.Abstractions;

namespace UmhActors.Tests.Guardian;

/// <summary>The guardian handles every answer about freezing and thawing running helpers, and
/// reports a freeze as done only if launches are still frozen when it completes.</summary>
public sealed class GuardianFreezeAnswerTests(ITestOutputHelper output) : HelperSpec(output)
{
    private UmhGuardian Guardian => UmhGuardian.Get(Sys);

    [Fact]
    public async Task Thaw_answers_from_running_helpers_are_handled_not_left_unhandled()
    {
        var unhandled = CreateTestProbe();
        Sys.EventStream.Subscribe(unhandled.Ref, typeof(UnhandledMessage));
        await StartHelperAsync();
        await StartHelperAsync();
        await Guardian.FreezeAsync(Patience, freezeRunning: true);
        // A helper actor registering while its peers are frozen is told to freeze too, and answers.
        var late = Sys.ActorOf(HelperActor.Props(TestHelperBlob.Instance));
        var deadline = DateTime.UtcNow + Patience;
        while ((await Guardian.GetStatusAsync()).Waiting < 1)
        {
            Assert.True(DateTime.UtcNow < deadline, "the late helper never asked for a launch permit");
            await Task.Delay(10);
        }

        await EventFilter.Info(start: "thawed 2 running helper(s)").ExpectOneAsync(Patience, () => Guardian.EnableAsync());
        await WaitReadyAsync(late);
        // Both answers reach the guardian before the thaw is logged, and an unhandled message is
        // published while it is handled: anything left unhandled is already queued here.
        Assert.False(unhandled.HasMessages, "the guardian left a freeze or thaw answer unhandled");
    }

    [Fact]
    public async Task A_freeze_of_running_helpers_overtaken_by_Enable_does_not_report_success()
    {
        // A stand-in helper that answers the freeze only when told, so Enable surely comes first.
        var helper = CreateTestProbe();
        Guardian.Actor.Tell(new RegisterHelper(helper.Ref));

        var freeze = Guardian.FreezeAsync(Patience, freezeRunning: true);
        var ask = helper.ExpectMsg<SetHelperFrozen>(Patience);
        Assert.True(ask.Frozen);
        var askedBy = helper.LastSender;
        await Guardian.EnableAsync();
        Assert.False(helper.ExpectMsg<SetHelperFrozen>(Patience).Frozen);
        var thawedBy = helper.LastSender;
        askedBy.Tell(new HelperFreezeDone(4242, "SIGSTOP"));
        thawedBy.Tell(new HelperFreezeDone(4242, "SIGSTOP"));

        var failure = await Assert.ThrowsAsync<GuardianBusyException>(() => freeze.WaitAsync(Patience));
        Assert.Contains("re-enabled", failure.Message);
        Assert.Equal(GuardianState.Enabled, (await Guardian.GetStatusAsync()).State);
    }
}
