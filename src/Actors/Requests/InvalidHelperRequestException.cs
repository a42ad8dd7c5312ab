namespace UmhActors.Requests;

/// <summary>The request was rejected before it was sent, and only this request: the helper would
/// have treated it as a protocol violation (and been killed with every other request in flight),
/// or it cannot be honoured. <see cref="Problem"/> says which rule it broke.</summary>
/// <remarks>Derives from <see cref="ArgumentException"/>: the request is a bad argument of the call.</remarks>
public sealed class InvalidHelperRequestException : ArgumentException
{
    /// <summary>Creates the exception.</summary>
    public InvalidHelperRequestException(string helperName, string? method, HelperRequestProblem problem, string detail)
        : base($"request {method ?? "(null)"} to helper '{helperName}' was not sent: {detail}")
    {
        HelperName = helperName;
        Method = method;
        Problem = problem;
    }

    /// <summary>The helper's name.</summary>
    public string HelperName { get; }

    /// <summary>The method called (null when the request had none).</summary>
    public string? Method { get; }

    /// <summary>Which rule the request broke.</summary>
    public HelperRequestProblem Problem { get; }
}
