using System.Diagnostics;

namespace UmhActors.Helpers;

/// <summary>
/// What a request timeout means: <see cref="Timeout.InfiniteTimeSpan"/> is no deadline, a positive
/// value up to <see cref="HelperOptions.MaxRequestTimeout"/> is a deadline, longer values are capped
/// to it (so deadline arithmetic and timers never overflow), anything else is invalid.
/// </summary>
internal static class RequestTimeouts
{
    /// <summary>True for <see cref="Timeout.InfiniteTimeSpan"/> or a positive timeout.</summary>
    public static bool IsValid(TimeSpan timeout) => timeout == Timeout.InfiniteTimeSpan || timeout > TimeSpan.Zero;

    /// <summary>The timeout that applies: infinite stays infinite, the rest is capped.</summary>
    public static TimeSpan Effective(TimeSpan timeout) =>
        timeout == Timeout.InfiniteTimeSpan || timeout <= HelperOptions.MaxRequestTimeout ? timeout : HelperOptions.MaxRequestTimeout;

    /// <summary>The <see cref="Stopwatch"/> timestamp at which <paramref name="timeout"/> (already
    /// <see cref="Effective"/>) runs out from <paramref name="now"/>; <see cref="long.MaxValue"/> for none.</summary>
    public static long Deadline(TimeSpan timeout, long now) =>
        timeout == Timeout.InfiniteTimeSpan ? long.MaxValue : now + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
}
