using Akka.Actor;

namespace UmhActors.Helpers;

/// <summary>How an actor's answer becomes a caller's result, one rule for every path (Ask or local
/// reply): the expected type is the result, a <see cref="Status.Failure"/> fails with its cause, and
/// anything else fails as unexpected.</summary>
internal static class HelperAnswer
{
    /// <summary>The result in <paramref name="answer"/>, or null with <paramref name="failure"/> set.</summary>
    public static T? Unwrap<T>(object answer, IActorRef from, out Exception? failure) where T : class
    {
        failure = answer switch
        {
            T => null,
            // A failure without a cause still fails the call (thrown on a work item, a null would end the process).
            Status.Failure f => f.Cause ?? new InvalidOperationException($"{from.Path} answered with a failure without a cause"),
            _ => new InvalidOperationException($"unexpected answer from {from.Path}: {answer}"),
        };
        return answer as T;
    }
}
