namespace UmhActors.Helpers;

/// <summary>
/// The hang watchdog: every <paramref name="Interval"/> the host sends <c>$/ping</c>; no
/// <c>$/pong</c> within <paramref name="Timeout"/> and the host kills the helper (SIGKILL), which
/// is then classified as <see cref="Failures.HelperFailureKind.Hung"/>. A frozen helper is not pinged.
/// </summary>
public sealed record WatchdogOptions(TimeSpan Interval, TimeSpan Timeout)
{
    /// <summary>Checks the values.</summary>
    public WatchdogOptions Validated()
    {
        if (Interval <= TimeSpan.Zero || Timeout <= TimeSpan.Zero)
            throw new ArgumentException($"watchdog interval and timeout must be positive (got {Interval}, {Timeout})");
        return this;
    }
}
