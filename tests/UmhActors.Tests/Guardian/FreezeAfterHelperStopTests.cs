using System.Diagnostics;
using Akka.Actor;
using UmhActors.Guardian;
using UmhActors.Helpers;
using UmhActors.Tests.Support;
using Xunit.Abstractions;

namespace UmhActors.Tests.Guardian;

/// <summary>A helper actor that stopped just before a freeze (its Terminated not yet seen by the
/// guardian) does not hold the freeze up until the guardian's answer timeout (10 s).</summary>
public sealed class FreezeAfterHelperStopTests(ITestOutputHelper output) : HelperSpec(output)
{
    [Fact]
    public async Task Freezing_running_helpers_right_after_a_helper_actor_stopped_does_not_wait_for_its_answer()
    {
        var guardian = UmhGuardian.Get(Sys);
        var (running, _) = await StartHelperAsync();
        var (stopping, _) = await StartHelperAsync();
        var clock = Stopwatch.StartNew();

        Sys.Stop(stopping);
        await stopping.WatchAsync();
        await guardian.FreezeAsync(Patience, freezeRunning: true);

        var took = clock.Elapsed;
        await guardian.EnableAsync();
        Assert.True(took < TimeSpan.FromSeconds(5), $"the freeze took {took.TotalMilliseconds:F0} ms: it waited for an actor that had stopped");
        Assert.True((await running.Ask<HelperStatus>(GetHelperStatus.Instance, Patience)).Ready);
    }
}
