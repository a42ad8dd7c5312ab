namespace UmhActors.Guardian;

/// <summary>The guardian stayed <see cref="GuardianState.Freezing"/> longer than the launch was
/// willing to wait (or the launch asked for try-only semantics).</summary>
public sealed class LaunchPermitTimeoutException : TimeoutException
{
    /// <summary>Creates the exception.</summary>
    public LaunchPermitTimeoutException(TimeSpan waited, bool tryOnly)
        : base(tryOnly
            ? "helper launches are frozen and the launch asked not to wait"
            : $"helper launches stayed frozen for the whole {waited.TotalMilliseconds:F0} ms the launch was willing to wait")
    {
        Waited = waited;
        TryOnly = tryOnly;
    }

    /// <summary>How long the launch waited.</summary>
    public TimeSpan Waited { get; }

    /// <summary>True when the launch asked not to wait at all.</summary>
    public bool TryOnly { get; }
}
