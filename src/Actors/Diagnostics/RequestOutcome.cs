namespace UmhActors.Diagnostics;

/// <summary>The values of the <c>outcome</c> tag of <c>umh.helper.request.duration</c> and of a
/// request's span: a closed set, so the tag stays low-cardinality.</summary>
internal static class RequestOutcome
{
    /// <summary>The helper answered with a result.</summary>
    public const string Ok = "ok";

    /// <summary>The helper answered with an error.</summary>
    public const string Error = "error";

    /// <summary>The request outlived its timeout (in flight or still queued).</summary>
    public const string Timeout = "timeout";

    /// <summary>The helper died or the actor stopped while the request was in flight or queued.</summary>
    public const string Failed = "failed";

    /// <summary>The caller cancelled it.</summary>
    public const string Cancelled = "cancelled";

    /// <summary>Refused at once: invalid, or the helper overloaded.</summary>
    public const string Rejected = "rejected";
}
