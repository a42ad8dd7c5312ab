using System.Diagnostics;
using Akka.Actor;
using Akka.Event;
using CsCheck;
using MessagePack;
using UmhActors.Failures;
using UmhActors.Helpers;
using UmhActors.Requests;
using UmhActors.Supervision;
using UmhActors.Tests.Support;
using Xunit.Abstractions;

namespace UmhActors.Tests.Helpers;

/// <summary>
/// Randomized, stateful: random sequences of requests (fast, slow, timing out, infinite, invalid),
/// cancels, helper crashes, exits (EOF on the host's side of stdout), kills from outside and
/// restarts drive a real <see cref="HelperActor"/> and its helper. After every step no caller has
/// more than one answer and the actor's counts stay within its bounds; at the end every caller has
/// exactly one answer of the right kind, stopping the actor adds none, and nothing was logged as an
/// error (an exception escaping the actor is logged by Akka). Budget: see <see cref="StatefulBudget"/>.
/// </summary>
public sealed class HelperActorStatefulTests(ITestOutputHelper output) : HelperSpec(output)
{
    private const int MaxInFlight = 3;
    private const int MaxQueued = 4;

    private enum Step { Add, ShortSleep, SlowTimesOut, Infinite, Invalid, Cancel, Wait, Crash, HelperExits, KillFromOutside }

    [Fact]
    public void Every_caller_gets_exactly_one_answer_through_crashes_and_restarts()
    {
        var steps = Gen.Select(Gen.Int[0, 99], Gen.Int[0, 1000]).Select((dice, arg) => (Pick(dice), arg)).Array[1, 25];
        var (iterations, seconds) = StatefulBudget.For(30);
        steps.Sample(Run, iter: iterations, time: seconds, threads: 1,
            print: s => string.Join(" ", s.Select(x => $"{x.Item1}:{x.arg}")));
    }

    private static Step Pick(int dice) => dice switch
    {
        < 22 => Step.Add,
        < 34 => Step.ShortSleep,
        < 44 => Step.SlowTimesOut,
        < 50 => Step.Infinite,
        < 56 => Step.Invalid,
        < 70 => Step.Cancel,
        < 84 => Step.Wait,
        < 89 => Step.Crash,
        < 94 => Step.HelperExits,
        _ => Step.KillFromOutside,
    };

    private void Run((Step Step, int Arg)[] steps)
    {
        var errors = CreateTestProbe();
        Sys.EventStream.Subscribe(errors.Ref, typeof(Error));
        var provider = ((ExtendedActorSystem)Sys).Provider;
        var callers = new StatefulCallers(provider);
        // Every death restarts quickly, however it happened, so sequences keep going.
        var policy = HelperSupervisionPolicy.Default
            .With(HelperFailureKind.Killed, HelperDirective.Restart)
            .With(HelperFailureKind.Exited, HelperDirective.Restart)
            .WithBackoff(new HelperBackoff(TimeSpan.FromMilliseconds(5), TimeSpan.FromMilliseconds(20), 0, TimeSpan.FromSeconds(30)))
            .WithIntensity(new RestartIntensity(10_000, TimeSpan.FromMinutes(1)));
        var options = HelperOptions.Default.WithBounds(MaxInFlight, MaxQueued).WithRequestTimeout(TimeSpan.FromSeconds(5)).WithSupervision(policy);
        var helper = Sys.ActorOf(HelperActor.Props(TestHelperBlob.Instance, options));
        var watcher = CreateTestProbe();
        watcher.Watch(helper);

        foreach (var (step, arg) in steps)
        {
            switch (step)
            {
                case <= Step.Invalid:
                    var (request, caller) = callers.Make((StatefulCallers.RequestStep)step, arg);
                    helper.Tell(request, caller);
                    break;
                case Step.Cancel when callers.Calls.Count > 0:
                    helper.Tell(new CancelHelperRequest(callers.PickToCancel(arg)));
                    break;
                case Step.Wait:
                    Thread.Sleep(arg % 25);
                    break;
                case Step.Crash:
                    helper.Tell(StatefulCallers.Request("crash", null), callers.New("dies", 0));
                    break;
                case Step.HelperExits:
                    helper.Tell(StatefulCallers.Request("exit", null, arg % 2 * 3), callers.New("dies", 0));
                    break;
                case Step.KillFromOutside:
                    var pid = helper.Ask<HelperStatus>(GetHelperStatus.Instance, Patience).Result.Pid;
                    if (pid > 0) KillByPid(pid);
                    break;
            }
            AssertInvariants(helper, callers);
        }

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (callers.AnyWaiting && DateTime.UtcNow < deadline)
        {
            AssertInvariants(helper, callers);
            Thread.Sleep(10);
        }
        callers.AssertEachAnsweredOnce(cause => cause is HelperFailureException or HelperTimeoutException or OperationCanceledException or HelperOverloadedException);
        var status = helper.Ask<HelperStatus>(GetHelperStatus.Instance, Patience).Result;
        Assert.Equal((0, 0), (status.InFlight, status.Queued));

        Sys.Stop(helper);
        watcher.ExpectTerminated(helper, Patience);
        foreach (var call in callers.Calls) Assert.Equal(1, call.Recorder.Count);
        Assert.False(errors.HasMessages, "an error was logged: " + (errors.HasMessages ? errors.ReceiveOne(TimeSpan.Zero) : ""));
        Sys.EventStream.Unsubscribe(errors.Ref);
    }

    private static void KillByPid(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            process.Kill();
        }
        catch (ArgumentException) { } // already gone
        catch (InvalidOperationException) { }
    }

    private static void AssertInvariants(IActorRef helper, StatefulCallers callers)
    {
        callers.AssertNoneAnsweredTwice();
        var status = helper.Ask<HelperStatus>(GetHelperStatus.Instance, Patience).Result;
        Assert.InRange(status.InFlight, 0, MaxInFlight);
        Assert.InRange(status.Queued, 0, MaxQueued);
    }
}
