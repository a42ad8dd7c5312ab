using Akka.Actor;

namespace UmhActors.Diagnostics;

/// <summary>Holds the ActorSystem's <see cref="UmhMetrics"/>.</summary>
internal sealed class UmhMetricsExtension(UmhMetrics metrics) : IExtension
{
    public UmhMetrics Metrics { get; } = metrics;
}
