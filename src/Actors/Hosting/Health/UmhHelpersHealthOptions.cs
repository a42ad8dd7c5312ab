namespace UmhActors.Hosting.Health;

/// <summary>How <see cref="UmhHealthChecksBuilderExtensions.AddUmhHelpers"/> judges the hosted helpers.</summary>
public sealed class UmhHelpersHealthOptions
{
    /// <summary>How long one probe waits for each helper actor's and the guardian's status. The
    /// actors answer from their mailbox; one that does not answer in time is reported Degraded
    /// ("unresponsive") rather than blocking the probe. Default 1 s.</summary>
    public TimeSpan StatusTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>A helper restarted more than this many times within <see cref="RestartWindow"/> makes
    /// the report Degraded even while it is ready (a crash loop with short outages). Default 3.</summary>
    public int MaxRestartsInWindow { get; set; } = 3;

    /// <summary>The window for <see cref="MaxRestartsInWindow"/>. Default 1 minute.</summary>
    public TimeSpan RestartWindow { get; set; } = TimeSpan.FromMinutes(1);
}
