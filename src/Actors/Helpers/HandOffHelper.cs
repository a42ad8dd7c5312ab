namespace UmhActors.Helpers;

/// <summary>
/// Stops a <see cref="HelperActor"/> without failing the work it already gave its helper: from now on
/// it takes no request (each is answered with <see cref="Requests.HelperRequestUndeliveredException"/>,
/// which a caller may retry elsewhere, as are the requests still queued and not yet sent), lets the
/// requests in flight finish (each bounded by its own timeout), then stops as on
/// <see cref="StopHelper"/>. Not answered.
/// </summary>
/// <remarks>The sharded helpers' hand-off stop message: Akka.Cluster.Sharding sends it to each entity
/// of a shard moving to another member (a rebalance, a member leaving) and to an idle entity it
/// passivates. If the entity has not stopped after the hand-off timeout, Akka stops it; the requests
/// still in flight then fail with <see cref="Requests.HelperStoppedException"/>.</remarks>
public sealed class HandOffHelper
{
    /// <summary>The one instance.</summary>
    public static HandOffHelper Instance { get; } = new();

    private HandOffHelper() { }
}
