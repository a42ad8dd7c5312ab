namespace UmhActors.Requests;

/// <summary>The helper did not answer within the request's timeout. The host sent it
/// <c>$/cancel</c> for the request; a late answer is dropped.</summary>
public sealed class HelperTimeoutException : TimeoutException
{
    /// <summary>Creates the exception.</summary>
    public HelperTimeoutException(string helperName, string method, TimeSpan timeout, bool wasSent)
        : base($"helper '{helperName}' did not answer {method} within {timeout.TotalMilliseconds:F0} ms" +
               (wasSent ? " (cancelled with $/cancel)" : " (still queued, never sent)"))
    {
        HelperName = helperName;
        Method = method;
        Timeout = timeout;
        WasSent = wasSent;
    }

    /// <summary>The helper's name.</summary>
    public string HelperName { get; }

    /// <summary>The method called.</summary>
    public string Method { get; }

    /// <summary>The timeout that ran out.</summary>
    public TimeSpan Timeout { get; }

    /// <summary>False when the request timed out while queued (the helper never saw it).</summary>
    public bool WasSent { get; }
}
