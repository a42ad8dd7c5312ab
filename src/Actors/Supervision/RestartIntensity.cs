namespace UmhActors.Supervision;

/// <summary>
/// At most <see cref="MaxRestarts"/> restarts within <see cref="Within"/>; one more and the actor
/// does <see cref="WhenExceeded"/> instead (Erlang's restart intensity, Akka's maxNrOfRetries).
/// </summary>
/// <param name="MaxRestarts">Restarts allowed in the window.</param>
/// <param name="Within">The sliding window.</param>
/// <param name="WhenExceeded"><see cref="HelperDirective.Stop"/> or <see cref="HelperDirective.Escalate"/>.</param>
public sealed record RestartIntensity(int MaxRestarts, TimeSpan Within, HelperDirective WhenExceeded = HelperDirective.Stop)
{
    /// <summary>10 restarts per minute, then stop.</summary>
    public static RestartIntensity Default { get; } = new(10, TimeSpan.FromMinutes(1));

    /// <summary>Checks the values; throws <see cref="ArgumentException"/> for impossible ones.</summary>
    public RestartIntensity Validated()
    {
        if (MaxRestarts < 0) throw new ArgumentException("max restarts cannot be negative");
        if (Within <= TimeSpan.Zero) throw new ArgumentException("the restart window must be positive");
        if (WhenExceeded == HelperDirective.Restart) throw new ArgumentException("when the intensity is exceeded the actor must stop or escalate");
        return this;
    }
}
