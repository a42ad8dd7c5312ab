using UmhActors.Native.Tests.Support;

namespace UmhActors.Native.Tests.ProcessLimits;

/// <summary>A host that reaches its cgroup's <c>pids.max</c>: a separate host process moves itself
/// into a new pids cgroup below its own, capped a few tasks above what it runs.</summary>
public sealed class PidExhaustionTests
{
    [PidsCgroupFact]
    public async Task A_launch_at_the_pids_limit_fails_typed_and_transient_leaves_nothing_and_works_once_the_limit_is_lifted()
    {
        var host = await FaultHost.RunAsync(4096, TimeSpan.FromSeconds(60), "pids-limit", PidsCgroupFactAttribute.Root);
        Assert.True(host.ExitCode == 0, $"host exited {host.ExitCode}: {host.Errors}");
        Assert.Equal("3", host["launched-under-cap"]);
        // The clone fails with EAGAIN: typed, named, transient (the actor path retries it with backoff).
        Assert.Equal("posix_spawn:EAGAIN:transient", host["refused"]);
        Assert.Equal("ok", host["after-lift"]);
        Assert.Equal("0", host["live-helpers"]);
        Assert.Equal("0", host["zombies"]);
        Assert.Equal("False", host["group-left"]);
    }
}
