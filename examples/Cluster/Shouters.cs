namespace ClusterExample;

/// <summary>The registry key of the sharded shouter helpers.</summary>
internal sealed class Shouters;
