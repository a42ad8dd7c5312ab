using UmhActors.TestKit;

namespace ResilienceTests;

/// <summary>A test that needs a real OOM kill: skipped, with the reason, where no cgroup can be used.</summary>
public sealed class OomKillFactAttribute : FactAttribute
{
    public OomKillFactAttribute() => Skip = HelperFaults.OomKillUnavailableReason;
}
