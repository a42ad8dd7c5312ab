namespace UmhActors.Benchmarks.Infrastructure;

/// <summary>Command-line options shared by every suite.</summary>
/// <param name="Quick">Fewer iterations: a smoke run (CI), not figures to publish.</param>
internal sealed record BenchmarkOptions(bool Quick)
{
    /// <summary>Picks the iteration count for the mode.</summary>
    public int Iterations(int full, int quick) => Quick ? quick : full;
}
