using System.Diagnostics;
using Akka.Actor;

namespace UmhActors.Helpers;

/// <summary>A request sent to the helper and not yet answered. <paramref name="AcceptedAt"/> (the
/// <see cref="Stopwatch"/> timestamp its deadline was computed from) and <paramref name="Activity"/>
/// (its span, null unless traced) serve the request's metrics and trace. <paramref name="Sender"/> is
/// who asked (what a <see cref="CancelHelperRequest"/> names); the answer goes to it, or into slot
/// <see cref="BatchIndex"/> of <see cref="Batch"/> for a request of a batch.</summary>
internal sealed record PendingRequest(IActorRef Sender, string Method, long DeadlineTimestamp, TimeSpan Timeout, long AcceptedAt = 0, Activity? Activity = null)
{
    /// <summary>The msgid it was sent with (its key in the <see cref="PendingTable"/>).</summary>
    public uint MsgId { get; init; }

    /// <summary>The batch this request belongs to, or null for a lone request.</summary>
    public RequestBatchReply? Batch { get; init; }

    /// <summary>The request's index in <see cref="Batch"/>.</summary>
    public int BatchIndex { get; init; }

    /// <summary>Ends the request with <paramref name="answer"/> (a response or a <c>Status.Failure</c>).</summary>
    public void Reply(object answer)
    {
        if (Batch is { } batch) batch.Set(BatchIndex, answer);
        else Sender.Tell(answer);
    }
}

/// <summary>A request waiting for an in-flight slot or for the helper to be ready.</summary>
internal sealed record QueuedRequest(Requests.HelperRequest Request, IActorRef Sender, long DeadlineTimestamp, TimeSpan Timeout, long AcceptedAt = 0,
    Activity? Activity = null)
{
    /// <summary>The batch this request belongs to, or null for a lone request.</summary>
    public RequestBatchReply? Batch { get; init; }

    /// <summary>The request's index in <see cref="Batch"/>.</summary>
    public int BatchIndex { get; init; }

    /// <summary>Ends the request with <paramref name="answer"/> (a <c>Status.Failure</c>).</summary>
    public void Reply(object answer)
    {
        if (Batch is { } batch) batch.Set(BatchIndex, answer);
        else Sender.Tell(answer);
    }
}
