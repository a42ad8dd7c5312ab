using System.Collections.Concurrent;
using Akka.Actor;

namespace UmhActors.Tests.Helpers;

/// <summary>A request's sender that records every answer it gets, from any thread, so a test can
/// check that each caller gets exactly one. (An Ask's temporary actor would hide a second answer.)</summary>
internal sealed class AnswerRecorder(IActorRefProvider provider) : MinimalActorRef
{
    private readonly ConcurrentQueue<object> _answers = new();

    public override ActorPath Path { get; } = provider.TempPath();

    public override IActorRefProvider Provider { get; } = provider;

    public int Count => _answers.Count;

    public IReadOnlyList<object> Answers => _answers.ToArray();

    protected override void TellInternal(object message, IActorRef sender) => _answers.Enqueue(message);
}
