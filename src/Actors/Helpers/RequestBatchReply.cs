using Akka.Actor;
using UmhActors.Requests;

namespace UmhActors.Helpers;

/// <summary>
/// Collects the results of one <see cref="HelperRequestBatch"/> and tells its sender one
/// <see cref="HelperBatchResponse"/> when the last request ended. Requests end on the reactor's
/// thread (answers) and on the actor's (failures, timeouts, cancellations), each exactly once (the
/// in-flight table's remove decides who ends it), so the count reaches zero exactly once.
/// </summary>
internal sealed class RequestBatchReply
{
    private readonly HelperResult[] _results;
    private readonly IActorRef _sender;
    private int _remaining;

    public RequestBatchReply(int count, IActorRef sender)
    {
        _results = new HelperResult[count];
        _sender = sender;
        _remaining = count;
        if (count == 0) sender.Tell(new HelperBatchResponse(_results));
    }

    /// <summary>Ends request <paramref name="index"/> with <paramref name="answer"/>: a
    /// <see cref="HelperResponse"/> or a <see cref="Status.Failure"/>.</summary>
    public void Set(int index, object answer)
    {
        _results[index] = answer switch
        {
            HelperResponse response => new HelperResult(response, null),
            Status.Failure failure => new HelperResult(null, failure.Cause),
            _ => new HelperResult(null, new InvalidOperationException($"unexpected answer {answer}")),
        };
        // The decrement is a full fence: whoever takes the count to zero sees every result written.
        if (Interlocked.Decrement(ref _remaining) == 0) _sender.Tell(new HelperBatchResponse(_results));
    }
}
