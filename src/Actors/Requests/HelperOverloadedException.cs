namespace UmhActors.Requests;

/// <summary>The request was rejected at once: the helper already has the maximum number of
/// requests in flight and the queue behind them is full.</summary>
public sealed class HelperOverloadedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public HelperOverloadedException(string helperName, int maxInFlight, int maxQueued)
        : base($"helper '{helperName}' is overloaded: {maxInFlight} requests in flight and {maxQueued} queued; request rejected")
    {
        HelperName = helperName;
        MaxInFlight = maxInFlight;
        MaxQueued = maxQueued;
    }

    /// <summary>The helper's name.</summary>
    public string HelperName { get; }

    /// <summary>The in-flight bound that was full.</summary>
    public int MaxInFlight { get; }

    /// <summary>The queue bound that was full.</summary>
    public int MaxQueued { get; }
}
