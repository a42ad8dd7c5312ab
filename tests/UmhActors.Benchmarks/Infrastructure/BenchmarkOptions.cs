namespace UmhActors.Benchmarks.Infrastructure;

/// <summary>Command-line options shared by every suite.</summary>
/// <param name="Quick">Fewer iterations: a smoke run (CI), not figures to publish.</param>
/// <param name="Minutes">For long-running suites (<c>soak</c>): how long to run at most (<c>--minutes N</c>).</param>
/// <param name="Launches">For <c>soak</c>: how many launches at most (<c>--launches N</c>).</param>
/// <param name="Counts">For <c>scale</c>: how many helpers to start at once, one round per count (<c>--counts 100,250,…</c>).</param>
/// <param name="Faults">For <c>chaos</c>: only these fault kinds (<c>--faults sigkill,sigstop</c>); null: all.</param>
internal sealed record BenchmarkOptions(bool Quick, double? Minutes = null, int? Launches = null, IReadOnlyList<int>? Counts = null,
    IReadOnlySet<string>? Faults = null)
{
    /// <summary>Picks the iteration count for the mode.</summary>
    public int Iterations(int full, int quick) => Quick ? quick : full;
}
