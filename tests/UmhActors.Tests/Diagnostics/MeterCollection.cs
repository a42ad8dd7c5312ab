namespace UmhActors.Tests.Diagnostics;

/// <summary>
/// The tests that collect the <c>UmhActors</c> meter through the OpenTelemetry SDK run alone, one
/// class after another. Every hosted ActorSystem creates its own <c>UmhActors</c> meter from its
/// <c>IMeterFactory</c>, and when a host stops and that meter is disposed, the SDK retires the
/// metric streams it shares by name with the process-wide meter: a collector running beside any
/// hosted test then loses measurements (seen as counts of 0 in about half the runs).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MeterCollection
{
    public const string Name = "UmhActors meter";
}
