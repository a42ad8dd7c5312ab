using Akka.Actor;
using MessagePack;
using UmhActors.Requests;

namespace UmhActors.Tests.Helpers;

/// <summary>The request steps both randomized stateful tests (the request book's and the actor's)
/// take, and the callers they record: what each caller asked, and the checks that each caller is
/// answered at most once during a sequence and exactly once, rightly, at its end.</summary>
internal sealed class StatefulCallers(IActorRefProvider provider)
{
    /// <summary>The request steps; each test's own step enum starts with these five, in this order.</summary>
    public enum RequestStep { Add, ShortSleep, SlowTimesOut, Infinite, Invalid }

    public sealed record Caller(AnswerRecorder Recorder, string Kind, int Expected);

    public List<Caller> Calls { get; } = new();

    /// <summary>The request a step sends and the caller it is sent for.</summary>
    public (HelperRequest Request, AnswerRecorder Caller) Make(RequestStep step, int arg) => step switch
    {
        RequestStep.Add => (Request("add", null, arg, 7), New("add", arg + 7)),
        RequestStep.ShortSleep => (Request("sleep", null, arg % 30), New("sleep", arg % 30)),
        RequestStep.SlowTimesOut => (Request("sleep", TimeSpan.FromMilliseconds(20 + arg % 60), 10_000), New("timeout", 0)),
        RequestStep.Infinite => (Request("sleep", Timeout.InfiniteTimeSpan, arg % 20), New("sleep", arg % 20)),
        _ => (arg % 2 == 0 ? new HelperRequest(null!, new byte[] { 0x90 }) : new HelperRequest("echo", new byte[] { 0x92, 0x01 }), New("invalid", 0)),
    };

    /// <summary>A new caller expecting <paramref name="kind"/> of answer.</summary>
    public AnswerRecorder New(string kind, int expected)
    {
        var caller = new AnswerRecorder(provider);
        Calls.Add(new Caller(caller, kind, expected));
        return caller;
    }

    /// <summary>Mostly a caller still waiting (queued or in flight), sometimes one already answered.</summary>
    public AnswerRecorder PickToCancel(int arg)
    {
        var waiting = Calls.Where(c => c.Recorder.Count == 0).ToList();
        return waiting.Count > 0 && arg % 4 != 0 ? waiting[arg % waiting.Count].Recorder : Calls[arg % Calls.Count].Recorder;
    }

    public bool AnyWaiting => Calls.Any(c => c.Recorder.Count == 0);

    public void AssertNoneAnsweredTwice()
    {
        foreach (var call in Calls)
            Assert.True(call.Recorder.Count <= 1, $"a {call.Kind} caller got {call.Recorder.Count} answers: {string.Join("; ", call.Recorder.Answers)}");
    }

    /// <summary>Each caller got one answer: the right result, a typed refusal of an invalid request,
    /// or a failure <paramref name="expectedFailure"/> accepts.</summary>
    public void AssertEachAnsweredOnce(Func<Exception, bool> expectedFailure)
    {
        foreach (var call in Calls)
        {
            var answer = Assert.Single(call.Recorder.Answers);
            if (answer is HelperResponse response)
            {
                Assert.True(call.Kind is "add" or "sleep", $"a {call.Kind} request succeeded");
                Assert.Equal(call.Expected, MessagePackSerializer.Deserialize<int>(response.RawResult));
                continue;
            }
            var cause = Assert.IsType<Status.Failure>(answer).Cause;
            if (call.Kind == "invalid") Assert.IsType<InvalidHelperRequestException>(cause);
            else Assert.True(expectedFailure(cause), $"a {call.Kind} request failed with {cause}");
        }
    }

    public static HelperRequest Request(string method, TimeSpan? timeout, params object[] args) =>
        new(method, MessagePackSerializer.Serialize(args, MessagePack.Resolvers.ContractlessStandardResolver.Options), timeout);
}
