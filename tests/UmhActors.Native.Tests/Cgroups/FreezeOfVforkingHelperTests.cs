using System.Diagnostics;
using UmhActors.Native.Cgroups;
using UmhActors.Native.Launch;
using UmhActors.Native.Tests.Support;
using UmhActors.Tests.Shared;
using Xunit.Abstractions;

namespace UmhActors.Native.Tests.Cgroups;

/// <summary>A helper that starts commands with vfork (dash does for every command, as posix_spawn
/// does) can always be frozen. On v1 one write of FROZEN misses a vfork parent that was still
/// running when the write reached it and then went to its killable wait for the child: the child is
/// frozen before its exec, the parent waits for ever, and the cgroup stays FREEZING (measured here:
/// about one freeze in thirty of such a loop). The freeze writes FROZEN again while it waits.</summary>
[Collection(CgroupCollection.Name)]
public sealed class FreezeOfVforkingHelperTests(ITestOutputHelper output)
{
    // Far above a freeze's normal few milliseconds, far below the time a missed vfork parent stays unfrozen (for ever).
    private static readonly TimeSpan FreezeTimeout = TimeSpan.FromSeconds(2);
    private const int Cycles = 1000;
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(3);

    [RealCgroupFact(needsFreezer: true)]
    public async Task Helper_forking_commands_in_a_tight_loop_freezes_every_time()
    {
        using var blob = TestBlobs.Shell("vforker", "while :; do /bin/true; done");
        await using var process = HelperLauncher.Launch(blob, LaunchOptions.Default.WithCgroup());
        var cgroup = process.Cgroup!;
        var clock = Stopwatch.StartNew();
        var slowest = TimeSpan.Zero;
        var cycles = 0;
        for (; cycles < Cycles && clock.Elapsed < Budget; cycles++)
        {
            var freezing = Stopwatch.GetTimestamp();
            cgroup.Freeze(FreezeTimeout);
            var took = Stopwatch.GetElapsedTime(freezing);
            if (took > slowest) slowest = took;
            Assert.True(cgroup.IsFrozen, $"cycle {cycles}: Freeze returned but the cgroup is not frozen");
            cgroup.Thaw(FreezeTimeout);
        }
        output.WriteLine($"{cgroup}: {cycles} freezes in {clock.Elapsed.TotalMilliseconds:F0} ms, slowest {slowest.TotalMilliseconds:F1} ms, " +
                         $"{cgroup.FreezeRetries} FROZEN rewrites");
        Assert.True(cycles >= 50, $"only {cycles} freeze cycles ran within {Budget}: the test proved little");
    }
}
