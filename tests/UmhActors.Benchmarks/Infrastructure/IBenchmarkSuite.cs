namespace UmhActors.Benchmarks.Infrastructure;

/// <summary>One named suite of the benchmark program (<c>launch</c>, <c>codec</c>, …).</summary>
internal interface IBenchmarkSuite
{
    /// <summary>The name given on the command line and written as <c>"suite"</c> in the JSON.</summary>
    string Name { get; }

    /// <summary>Runs every variant of the suite in this one process and returns their results.</summary>
    Task<IReadOnlyList<BenchmarkResult>> RunAsync(BenchmarkOptions options);
}
