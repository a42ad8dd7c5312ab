namespace UmhActors.Requests;

/// <summary>
/// A <see cref="HelperRequest"/> never reached a helper: Akka dropped it on its way (the recipient
/// actor had stopped, a shard region dropped it during a hand-off, …) or a helper actor that was
/// stopping turned it away. It was not executed, so retrying it is always safe; the sharded client
/// (<c>UmhActors.Cluster.Sharding.ShardedHelperClient</c>) does that within the request's deadline.
/// </summary>
/// <remarks>Unlike <see cref="HelperStoppedException"/> (the actor stopped while the request was in
/// flight: it may have run), this one promises the helper never saw the request. Answered at once by
/// the <see cref="Helpers.UndeliveredRequestBouncer"/> or by a helper actor handing off, instead of
/// leaving the caller's Ask to time out.</remarks>
public sealed class HelperRequestUndeliveredException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="method">The request's method.</param>
    /// <param name="recipient">The actor it was addressed to (a path, or a name).</param>
    /// <param name="reason">Why it was not delivered.</param>
    public HelperRequestUndeliveredException(string method, string recipient, string reason)
        : base($"request {method} was not delivered to {recipient} ({reason}); it was not executed and can be retried")
    {
        Method = method;
        Recipient = recipient;
        Reason = reason;
    }

    /// <summary>The request's method.</summary>
    public string Method { get; }

    /// <summary>The actor the request was addressed to (a path, or a name).</summary>
    public string Recipient { get; }

    /// <summary>Why it was not delivered (Akka's reason when it gave one).</summary>
    public string Reason { get; }
}
