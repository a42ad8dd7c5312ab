namespace UmhActors.Hosting;

/// <summary>How a helper pool (<see cref="HelperPoolActor"/>) picks the helper for a request.</summary>
public enum HelperRouting
{
    /// <summary>Each helper in turn.</summary>
    RoundRobin,

    /// <summary>The helper with the fewest requests in flight and queued: the pool's estimate, from each
    /// helper's <see cref="Helpers.HelperStatus"/> (polled every 100 ms) plus what it routed since.</summary>
    SmallestMailbox,

    /// <summary>The helper that <see cref="Requests.HelperRequest.RoutingKey"/> hashes to on a consistent-hash
    /// ring, so one key keeps reaching one helper while the pool's size is unchanged (resizing moves only
    /// the keys of the helpers added or removed). A request without a key goes round-robin.</summary>
    ConsistentHash,
}
