using Akka.Actor;

namespace UmhActors.Helpers;

/// <summary>A <see cref="LocalReply"/> whose task gives the answer of type <typeparamref name="T"/>
/// (a response, a batch response): a <c>Status.Failure</c> fails it with its cause, as Akka's Ask
/// followed by an unwrap would, so the caller awaits one task and no async method in between.</summary>
internal sealed class LocalReply<T> : LocalReply where T : class
{
    // No RunContinuationsAsynchronously: SetTask runs on a thread-pool work item of its own (or of
    // its batch), where running the caller's continuation inline is what that work item is for.
    private readonly TaskCompletionSource<T> _task = new();

    public LocalReply(IActorRefProvider provider, IActorRef target, TimeSpan? timeout)
        : base(provider, target, timeout)
    {
    }

    /// <summary>Completes with the answer, or fails with the typed failure, the Ask's timeout or
    /// the caller's cancellation.</summary>
    public Task<T> Task => _task.Task;

    private protected override void SetTask(object answer)
    {
        switch (answer)
        {
            case T expected:
                _task.TrySetResult(expected);
                break;
            case Status.Failure failure:
                // Thrown here, a null cause would end the process from a thread-pool work item.
                _task.TrySetException(failure.Cause ?? new InvalidOperationException($"{Target.Path} answered with a failure without a cause"));
                break;
            case var _ when ReferenceEquals(answer, CancelledMarker):
                _task.TrySetCanceled(CancelledBy);
                break;
            case var _ when ReferenceEquals(answer, ExpiredMarker):
                _task.TrySetException(TimeoutFailure());
                break;
            default:
                _task.TrySetException(new InvalidOperationException($"unexpected answer from {Target.Path}: {answer}"));
                break;
        }
    }
}
