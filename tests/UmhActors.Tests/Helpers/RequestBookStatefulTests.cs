using Akka.Actor;
using Akka.Event;
using CsCheck;
using MessagePack;
using UmhActors.Helpers;
using UmhActors.Requests;
using UmhActors.Tests.Support;
using Xunit.Abstractions;

namespace UmhActors.Tests.Helpers;

/// <summary>
/// Randomized, stateful: random sequences of requests (fast, slow, timing out, infinite, invalid),
/// answers, timeouts, cancels, helper kills, EOF on the helper's stdin and relaunches drive a
/// <see cref="RequestBook"/> against a real helper while the real reactor answers concurrently.
/// After every step no caller has more than one answer and the slot counts stay within bounds; at
/// the end every caller has exactly one answer, of the right kind, and the counts balance to zero.
/// Budget: see <see cref="StatefulBudget"/>.
/// </summary>
public sealed class RequestBookStatefulTests(ITestOutputHelper output) : HelperSpec(output)
{
    private const int MaxInFlight = 3;
    private const int MaxQueued = 4;

    private enum Step { Add, ShortSleep, SlowTimesOut, Infinite, Invalid, Cancel, Expire, Wait, KillHelper, CloseStdin, HelperExits, Relaunch }

    [Fact]
    public void Every_caller_gets_exactly_one_answer_and_slots_balance()
    {
        var steps = Gen.Select(Gen.Int[0, 99], Gen.Int[0, 1000]).Select((dice, arg) => (Pick(dice), arg)).Array[1, 25];
        var (iterations, seconds) = StatefulBudget.For(30);
        steps.Sample(Run, iter: iterations, time: seconds, threads: 1,
            print: s => string.Join(" ", s.Select(x => $"{x.Item1}:{x.arg}")));
    }

    private static Step Pick(int dice) => dice switch
    {
        < 20 => Step.Add,
        < 32 => Step.ShortSleep,
        < 42 => Step.SlowTimesOut,
        < 48 => Step.Infinite,
        < 54 => Step.Invalid,
        < 66 => Step.Cancel,
        < 74 => Step.Expire,
        < 84 => Step.Wait,
        < 88 => Step.KillHelper,
        < 91 => Step.CloseStdin,
        < 94 => Step.HelperExits,
        _ => Step.Relaunch,
    };

    private void Run((Step Step, int Arg)[] steps)
    {
        var errors = CreateTestProbe();
        Sys.EventStream.Subscribe(errors.Ref, typeof(Error));
        var callers = new StatefulCallers(((ExtendedActorSystem)Sys).Provider);
        using var harness = new RequestBookHarness(this, HelperOptions.Default.WithBounds(MaxInFlight, MaxQueued).WithRequestTimeout(TimeSpan.FromSeconds(5)));
        harness.Launch();

        foreach (var (step, arg) in steps)
        {
            switch (step)
            {
                case <= Step.Invalid:
                    var (request, caller) = callers.Make((StatefulCallers.RequestStep)step, arg);
                    harness.Submit(request, caller);
                    break;
                case Step.Cancel when callers.Calls.Count > 0:
                    harness.Cancel(callers.PickToCancel(arg));
                    break;
                case Step.Expire:
                    harness.Expire();
                    break;
                case Step.Wait:
                    Thread.Sleep(arg % 25);
                    break;
                case Step.KillHelper:
                    harness.KillHelper();
                    break;
                case Step.CloseStdin:
                    harness.Retire();
                    break;
                case Step.HelperExits when harness.Current is not null:
                    harness.Submit(StatefulCallers.Request("exit", null, 0), callers.New("exit", 0));
                    break;
                case Step.Relaunch when harness.Current is null:
                    harness.Launch();
                    break;
            }
            harness.Pump();
            AssertInvariants(harness, callers);
        }

        // Quiesce as the actor would: relaunch if needed, keep handling wake-ups and timeout ticks.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (callers.AnyWaiting && DateTime.UtcNow < deadline)
        {
            if (harness.Current is null) harness.Launch();
            harness.Pump();
            harness.Expire();
            AssertInvariants(harness, callers);
            Thread.Sleep(5);
        }

        callers.AssertEachAnsweredOnce(cause => cause is HelperStoppedException or HelperTimeoutException or OperationCanceledException or HelperOverloadedException);
        Assert.Empty(harness.Book.InFlight);
        Assert.Equal(0, harness.Book.QueuedCount);
        if (harness.Current is { } current) Assert.Equal(0, current.InFlight);
        Assert.False(errors.HasMessages, "an error was logged: " + (errors.HasMessages ? errors.ReceiveOne(TimeSpan.Zero) : ""));
        Sys.EventStream.Unsubscribe(errors.Ref);
    }

    private static void AssertInvariants(RequestBookHarness harness, StatefulCallers callers)
    {
        callers.AssertNoneAnsweredTwice();
        Assert.InRange(harness.Book.QueuedCount, 0, MaxQueued);
        Assert.InRange(harness.Book.InFlight.Count, 0, MaxInFlight);
        if (harness.Current is { } current) Assert.InRange(current.InFlight, 0, MaxInFlight);
    }
}
