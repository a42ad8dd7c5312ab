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

    private sealed record Caller(AnswerRecorder Recorder, string Kind, int Expected);

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
        var calls = new List<Caller>();
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
            AnswerRecorder NewCaller(string kind, int expected)
            {
                var caller = new AnswerRecorder(provider);
                calls.Add(new Caller(caller, kind, expected));
                return caller;
            }

            switch (step)
            {
                case Step.Add:
                    helper.Tell(Request("add", null, arg, 7), NewCaller("add", arg + 7));
                    break;
                case Step.ShortSleep:
                    helper.Tell(Request("sleep", null, arg % 30), NewCaller("sleep", arg % 30));
                    break;
                case Step.SlowTimesOut:
                    helper.Tell(Request("sleep", TimeSpan.FromMilliseconds(20 + arg % 60), 10_000), NewCaller("timeout", 0));
                    break;
                case Step.Infinite:
                    helper.Tell(Request("sleep", Timeout.InfiniteTimeSpan, arg % 20), NewCaller("sleep", arg % 20));
                    break;
                case Step.Invalid:
                    helper.Tell(arg % 2 == 0 ? new HelperRequest(null!, new byte[] { 0x90 }) : new HelperRequest("echo", new byte[] { 0x92, 0x01 }), NewCaller("invalid", 0));
                    break;
                case Step.Cancel when calls.Count > 0:
                    helper.Tell(new CancelHelperRequest(PickToCancel(calls, arg)));
                    break;
                case Step.Wait:
                    Thread.Sleep(arg % 25);
                    break;
                case Step.Crash:
                    helper.Tell(Request("crash", null), NewCaller("dies", 0));
                    break;
                case Step.HelperExits:
                    helper.Tell(Request("exit", null, arg % 2 * 3), NewCaller("dies", 0));
                    break;
                case Step.KillFromOutside:
                    var pid = helper.Ask<HelperStatus>(GetHelperStatus.Instance, Patience).Result.Pid;
                    if (pid > 0) KillByPid(pid);
                    break;
            }
            AssertInvariants(helper, calls);
        }

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (calls.Any(c => c.Recorder.Count == 0) && DateTime.UtcNow < deadline)
        {
            AssertInvariants(helper, calls);
            Thread.Sleep(10);
        }
        foreach (var call in calls) AssertAnswer(call);
        var status = helper.Ask<HelperStatus>(GetHelperStatus.Instance, Patience).Result;
        Assert.Equal((0, 0), (status.InFlight, status.Queued));

        Sys.Stop(helper);
        watcher.ExpectTerminated(helper, Patience);
        foreach (var call in calls) Assert.Equal(1, call.Recorder.Count);
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

    // Mostly a caller still waiting (queued or in flight), sometimes one already answered.
    private static AnswerRecorder PickToCancel(List<Caller> calls, int arg)
    {
        var waiting = calls.Where(c => c.Recorder.Count == 0).ToList();
        return waiting.Count > 0 && arg % 4 != 0 ? waiting[arg % waiting.Count].Recorder : calls[arg % calls.Count].Recorder;
    }

    private static void AssertInvariants(IActorRef helper, List<Caller> calls)
    {
        foreach (var call in calls)
            Assert.True(call.Recorder.Count <= 1, $"a {call.Kind} caller got {call.Recorder.Count} answers: {string.Join("; ", call.Recorder.Answers)}");
        var status = helper.Ask<HelperStatus>(GetHelperStatus.Instance, Patience).Result;
        Assert.InRange(status.InFlight, 0, MaxInFlight);
        Assert.InRange(status.Queued, 0, MaxQueued);
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
        if (call.Kind == "invalid")
            Assert.IsType<InvalidHelperRequestException>(cause);
        else
            Assert.True(cause is HelperFailureException or HelperTimeoutException or OperationCanceledException or HelperOverloadedException,
                $"a {call.Kind} request failed with {cause}");
    }

    private static HelperRequest Request(string method, TimeSpan? timeout, params object[] args) =>
        new(method, MessagePackSerializer.Serialize(args, MessagePack.Resolvers.ContractlessStandardResolver.Options), timeout);
}
