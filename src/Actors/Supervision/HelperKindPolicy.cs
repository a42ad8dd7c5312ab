namespace UmhActors.Supervision;

/// <summary>What to do for one failure kind: the directive, and for restarts the backoff and intensity.</summary>
public sealed record HelperKindPolicy(HelperDirective Directive, HelperBackoff Backoff, RestartIntensity Intensity)
{
    /// <summary>Restart with the default backoff and intensity.</summary>
    public static HelperKindPolicy Restart { get; } = new(HelperDirective.Restart, HelperBackoff.Default, RestartIntensity.Default);

    /// <summary>Stop the actor.</summary>
    public static HelperKindPolicy Stop { get; } = new(HelperDirective.Stop, HelperBackoff.Default, RestartIntensity.Default);

    /// <summary>Escalate to the actor's supervisor.</summary>
    public static HelperKindPolicy Escalate { get; } = new(HelperDirective.Escalate, HelperBackoff.Default, RestartIntensity.Default);
}
