using UmhActors.Helpers;
using UmhActors.Requests;
using Xunit.Abstractions;

namespace UmhActors.TestKit.Tests;

/// <summary>Freezing one helper: it runs nothing until thawed, and then serves on.</summary>
public sealed class FreezeFaultTests(ITestOutputHelper output) : FaultSpec(output)
{
    [Fact]
    public async Task A_frozen_helper_answers_nothing_and_the_same_process_serves_again_after_thaw()
    {
        var helper = StartHelper(HelperOptions.Default, out var pid);
        var faults = this.HelperFaults(helper, Patience);

        Assert.Equal(pid, await faults.FreezeAsync());
        // An echo answers in milliseconds: only a frozen helper lets it time out.
        await Assert.ThrowsAsync<HelperTimeoutException>(() => new HelperClient(helper).SendAsync(Echo(TimeSpan.FromMilliseconds(500))));
        var waiting = new HelperClient(helper).SendAsync(Echo(Patience));
        Assert.Equal(pid, await faults.ThawAsync());

        var answer = await waiting.WaitAsync(Patience);
        Assert.Equal(["ping"], answer.GetResult<string[]>());
        Assert.Equal(pid, this.AwaitHelperReady(helper, Patience));
        StopAndExpectNothingLeft(helper);
    }
}
