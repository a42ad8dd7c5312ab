namespace UmhActors.Supervision;

/// <summary>
/// Exponential backoff between restarts, as Akka's <c>BackoffOptions</c>: the n-th consecutive
/// restart waits <c>min(Max, Min · 2ⁿ)</c> plus up to <see cref="RandomFactor"/> of it at random.
/// The count starts again once a helper has stayed up for <see cref="ResetAfter"/>.
/// </summary>
/// <param name="Min">The first delay.</param>
/// <param name="Max">The longest delay.</param>
/// <param name="RandomFactor">Jitter, 0 to 1: spreads restarts of many helpers that died together.</param>
/// <param name="ResetAfter">Uptime after which a helper counts as stable.</param>
public sealed record HelperBackoff(TimeSpan Min, TimeSpan Max, double RandomFactor, TimeSpan ResetAfter)
{
    /// <summary>100 ms doubling to 10 s, 20 % jitter, reset after 30 s up.</summary>
    public static HelperBackoff Default { get; } = new(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(10), 0.2, TimeSpan.FromSeconds(30));

    /// <summary>Restart at once.</summary>
    public static HelperBackoff None { get; } = new(TimeSpan.Zero, TimeSpan.Zero, 0, TimeSpan.FromSeconds(30));

    /// <summary>The delay before restart number <paramref name="attempt"/> (0-based), jittered by <paramref name="random"/>.</summary>
    public TimeSpan DelayFor(int attempt, Random random)
    {
        var exponential = Min.TotalMilliseconds * Math.Pow(2, Math.Min(attempt, 30));
        var bounded = Math.Min(Max.TotalMilliseconds, exponential);
        return TimeSpan.FromMilliseconds(bounded * (1 + random.NextDouble() * RandomFactor));
    }

    /// <summary>Checks the values; throws <see cref="ArgumentException"/> for impossible ones.</summary>
    public HelperBackoff Validated()
    {
        if (Min < TimeSpan.Zero || Max < Min) throw new ArgumentException($"backoff needs 0 ≤ min ≤ max (min {Min}, max {Max})");
        if (RandomFactor is < 0 or > 1) throw new ArgumentException($"backoff random factor must be within 0..1 (got {RandomFactor})");
        if (ResetAfter < TimeSpan.Zero) throw new ArgumentException("backoff reset-after cannot be negative");
        return this;
    }
}
