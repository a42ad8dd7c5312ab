using UmhActors.Native.Tests.Support;

namespace UmhActors.Native.Tests.ProcessLimits;

/// <summary>A host that reaches <c>RLIMIT_NPROC</c>: a separate host process drops from root to
/// an unused uid (root is exempt from the limit) and caps its task count a few above its threads.</summary>
public sealed class NprocExhaustionTests
{
    // No other process on the machine runs as this uid, so the kernel's per-uid count is the host's alone.
    private const string UnusedUid = "65533";

    [RootFact]
    public async Task A_launch_at_RLIMIT_NPROC_fails_typed_and_transient_leaves_nothing_and_works_once_a_helper_exits()
    {
        var host = await FaultHost.RunAsync(4096, TimeSpan.FromSeconds(60), "nproc-limit", UnusedUid);
        Assert.True(host.ExitCode == 0, $"host exited {host.ExitCode}: {host.Errors}");
        Assert.Equal(UnusedUid, host["uid"]);
        // Three tasks of room: some helpers launch, then the clone is refused.
        Assert.InRange(int.Parse(host["launched-under-cap"]), 1, 3);
        Assert.Equal("posix_spawn:EAGAIN:transient", host["refused"]);
        Assert.Equal("ok", host["after-exit"]);
        Assert.Equal("0", host["live-helpers"]);
        Assert.Equal("0", host["zombies"]);
        Assert.Equal("0", host["uid-tasks-left"]);
    }
}
