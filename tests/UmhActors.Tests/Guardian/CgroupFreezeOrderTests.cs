using Akka.Actor;
using UmhActors.Guardian;
using UmhActors.Helpers;
using UmhActors.Native.Launch;
using UmhActors.Requests;
using UmhActors.Tests.Shared;
using UmhActors.Tests.Support;
using Xunit.Abstractions;

namespace UmhActors.Tests.Guardian;

/// <summary>Cgroup freezes and thaws run off the actor's thread, yet in the order they were asked.</summary>
public sealed class CgroupFreezeOrderTests(ITestOutputHelper output) : HelperSpec(output)
{
    [RealCgroupFact(needsFreezer: true)]
    public async Task A_thaw_asked_right_after_a_freeze_is_never_overtaken_by_it()
    {
        var (helper, _) = await StartHelperAsync(HelperOptions.Default.WithLaunch(LaunchOptions.Default.WithCgroup()));
        for (var round = 0; round < 20; round++)
        {
            var freeze = helper.Ask<HelperFreezeDone>(new SetHelperFrozen(true), Patience);
            var thaw = helper.Ask<HelperFreezeDone>(new SetHelperFrozen(false), Patience);
            Assert.All(await Task.WhenAll(freeze, thaw), done => Assert.Equal(("cgroup", null), (done.How, done.Failure)));
        }
        // Still running: a helper left frozen would not answer.
        Assert.Equal(7, await new HelperClient(helper).CallAsync<int[], int>("add", [3, 4]).WaitAsync(TimeSpan.FromSeconds(5)));
    }
}
