namespace UmhActors.Tests.Helpers;

/// <summary>
/// How long the randomized, stateful tests run. The normal test run uses a short budget (a few
/// seconds in all); for a long run set, before <c>dotnet test</c>:
/// <list type="bullet">
/// <item><c>UMH_STATEFUL_ITERATIONS=N</c>: N random sequences per test, or</item>
/// <item><c>UMH_STATEFUL_SECONDS=S</c>: as many sequences as fit in S seconds per test,</item>
/// </list>
/// and <c>CsCheck_Seed=…</c> (printed by a failing run) replays a failure.
/// E.g. <c>UMH_STATEFUL_SECONDS=300 dotnet test tests/UmhActors.Tests --filter "FullyQualifiedName~Stateful"</c>.
/// </summary>
internal static class StatefulBudget
{
    /// <summary>(iterations, seconds) for CsCheck's <c>Sample</c>: seconds wins when set.</summary>
    public static (long Iterations, int Seconds) For(long defaultIterations)
    {
        if (int.TryParse(Environment.GetEnvironmentVariable("UMH_STATEFUL_SECONDS"), out var seconds) && seconds > 0)
            return (-1, seconds);
        if (long.TryParse(Environment.GetEnvironmentVariable("UMH_STATEFUL_ITERATIONS"), out var iterations) && iterations > 0)
            return (iterations, -1);
        return (defaultIterations, -1);
    }
}
