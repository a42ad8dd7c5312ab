using UmhActors.Benchmarks.Infrastructure;

namespace UmhActors.Benchmarks.Suites;

internal sealed class LaunchSuite : IBenchmarkSuite
{
    public string Name => "launch";

    public Task<IReadOnlyList<BenchmarkResult>> RunAsync(BenchmarkOptions options) => throw new NotImplementedException();
}
