namespace UmhActors.Hosting.Tests.Support;

/// <summary>
/// Tests that collect the <c>UmhActors</c> meter run alone. Every hosted ActorSystem creates its own
/// <c>UmhActors</c> meter from its app's <c>IMeterFactory</c>; the OpenTelemetry SDK merges instruments
/// of one name from meters of one name into one stream, and retires that stream when any of those
/// meters is disposed (a host stopping): a collector running beside another test's host would lose
/// its measurements.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MeterCollection
{
    public const string Name = "UmhActors meter";
}
