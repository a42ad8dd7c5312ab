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

    private sealed record Caller(AnswerRecorder Recorder, string Kind, int Expected);

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
        var provider = ((ExtendedActorSystem)Sys).Provider;
        var calls = new List<Caller>();
        using var harness = new RequestBookHarness(this, HelperOptions.Default.WithBounds(MaxInFlight, MaxQueued).WithRequestTimeout(TimeSpan.FromSeconds(5)));
        harness.Launch();

        foreach (var (step, arg) in steps)
        {
            AnswerRecorder NewCaller(string kind, int expected)
            {
                var caller = new AnswerRecorder(provider);
                calls.Add(new Caller(caller, kind, expected));
                return caller;
            }

            switch (step)
            {
                case Step.Add:
                    harness.Submit(Request("add", null, arg, 7), NewCaller("add", arg + 7));
                    break;
                case Step.ShortSleep:
                    harness.Submit(Request("sleep", null, arg % 30), NewCaller("sleep", arg % 30));
                    break;
                case Step.SlowTimesOut:
                    harness.Submit(Request("sleep", TimeSpan.FromMilliseconds(20 + arg % 60), 10_000), NewCaller("timeout", 0));
                    break;
                case Step.Infinite:
                    harness.Submit(Request("sleep", Timeout.InfiniteTimeSpan, arg % 20), NewCaller("sleep", arg % 20));
                    break;
                case Step.Invalid:
                    harness.Submit(arg % 2 == 0 ? new HelperRequest(null!, new byte[] { 0x90 }) : new HelperRequest("echo", new byte[] { 0x92, 0x01 }), NewCaller("invalid", 0));
                    break;
                case Step.Cancel when calls.Count > 0:
                    harness.Cancel(PickToCancel(calls, arg));
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
                    harness.Submit(Request("exit", null, 0), NewCaller("exit", 0));
                    break;
                case Step.Relaunch when harness.Current is null:
                    harness.Launch();
                    break;
            }
            harness.Pump();
            AssertInvariants(harness, calls);
        }

        // Quiesce as the actor would: relaunch if needed, keep handling wake-ups and timeout ticks.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (calls.Any(c => c.Recorder.Count == 0) && DateTime.UtcNow < deadline)
        {
            if (harness.Current is null) harness.Launch();
            harness.Pump();
            harness.Expire();
            AssertInvariants(harness, calls);
            Thread.Sleep(5);
        }

        foreach (var call in calls) AssertAnswer(call);
        Assert.Empty(harness.Book.InFlight);
        Assert.Equal(0, harness.Book.QueuedCount);
        if (harness.Current is { } current) Assert.Equal(0, current.InFlight);
        Assert.False(errors.HasMessages, "an error was logged: " + (errors.HasMessages ? errors.ReceiveOne(TimeSpan.Zero) : ""));
        Sys.EventStream.Unsubscribe(errors.Ref);
    }

    // Mostly a caller still waiting (queued or in flight), sometimes one already answered.
    private static AnswerRecorder PickToCancel(List<Caller> calls, int arg)
    {
        var waiting = calls.Where(c => c.Recorder.Count == 0).ToList();
        return waiting.Count > 0 && arg % 4 != 0 ? waiting[arg % waiting.Count].Recorder : calls[arg % calls.Count].Recorder;
    }

    private static void AssertInvariants(RequestBookHarness harness, List<Caller> calls)
    {
        foreach (var call in calls)
            Assert.True(call.Recorder.Count <= 1, $"a {call.Kind} caller got {call.Recorder.Count} answers: {string.Join("; ", call.Recorder.Answers)}");
        Assert.InRange(harness.Book.QueuedCount, 0, MaxQueued);
        Assert.InRange(harness.Book.InFlight.Count, 0, MaxInFlight);
        if (harness.Current is { } current) Assert.InRange(current.InFlight, 0, MaxInFlight);
    }

    private static void AssertAnswer(Caller call)
    {
        var answer = Assert.Single(call.Recorder.Answers);
        if (answer is HelperResponse response)
        {
            Assert.True(call.Kind is "add" or "sleep", $"a {call.Kind} request succeeded");
            Assert.Equal(call.Expected, MessagePackSerializer.Deserialize<int>(response.RawResult));
            return;
        }
        var cause = Assert.IsType<Status.Failure>(answer).Cause;
        switch (call.Kind)
        {
            case "invalid":
                Assert.IsType<InvalidHelperRequestException>(cause);
                break;
            default:
                Assert.True(cause is HelperStoppedException or HelperTimeoutException or OperationCanceledException or HelperOverloadedException,
                    $"a {call.Kind} request failed with {cause}");
                break;
        }
    }

    private static HelperRequest Request(string method, TimeSpan? timeout, params object[] args) =>
        new(method, MessagePackSerializer.Serialize(args, MessagePack.Resolvers.ContractlessStandardResolver.Options), timeout);
}
