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
        if (ReferenceEquals(answer, CancelledMarker)) _task.TrySetCanceled(CancelledBy);
        else if (ReferenceEquals(answer, ExpiredMarker)) _task.TrySetException(TimeoutFailure());
        else if (HelperAnswer.Unwrap<T>(answer, Target, out var failure) is { } expected) _task.TrySetResult(expected);
        else _task.TrySetException(failure!);
    }
}
