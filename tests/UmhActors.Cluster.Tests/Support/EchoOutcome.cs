namespace UmhActors.Cluster.Tests.Support;

/// <summary>How one echo request through the shard region ended.</summary>
internal enum EchoOutcome
{
    /// <summary>Answered with exactly what was sent.</summary>
    Correct,

    /// <summary>Answered with something else: a defect.</summary>
    Wrong,

    /// <summary>Failed with one of the library's typed exceptions (helper stopped by a hand-off, …).</summary>
    TypedFailure,

    /// <summary>No answer within the Ask's timeout: lost silently.</summary>
    Lost,
}
