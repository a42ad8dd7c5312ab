namespace UmhActors.Native.Tests.Cgroups;

/// <summary>Real-cgroup tests run one at a time: they count this host's helper cgroups and
/// measure OOM kills, which concurrent launches would disturb.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class CgroupCollection
{
    /// <summary>The collection's name.</summary>
    public const string Name = "real cgroups";
}
