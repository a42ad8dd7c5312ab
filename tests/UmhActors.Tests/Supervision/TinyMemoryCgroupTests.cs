using Akka.Actor;
using Akka.Event;
using UmhActors.Failures;
using UmhActors.Helpers;
using UmhActors.Native.Blobs;
using UmhActors.Native.Cgroups;
using UmhActors.Native.Exit;
using UmhActors.Native.Launch;
using UmhActors.Requests;
using UmhActors.Supervision;
using UmhActors.Tests.Shared;
using UmhActors.Tests.Support;
using Xunit.Abstractions;

namespace UmhActors.Tests.Supervision;

/// <summary>A memory cgroup too small for the helper to start: the real NativeAOT test helper
/// under a real 1 MiB limit. Its start-up must be charged to that cgroup (it starts inside it),
/// so it is OOM-killed before <c>$/hello</c>, and that is supervised like any OOM kill.</summary>
public sealed class TinyMemoryCgroupTests(ITestOutputHelper output) : HelperSpec(output)
{
    private const long TooSmall = 1L << 20;

    [RealCgroupFact]
    public async Task A_helper_whose_memory_cgroup_is_too_small_to_start_is_OomKilled_before_hello_restarts_then_stops_and_leaves_nothing()
    {
        // A name of its own, so this test's cgroups are told apart from other tests' in the same process.
        var name = $"tinymem{Guid.NewGuid():N}"[..16];
        using var named = HelperBlob.FromResource(typeof(TestHelperBlob).Assembly, HelperBlob.EmbeddedHelperResourcePrefix + "testhelper", name);
        var decisions = CreateTestProbe();
        Sys.EventStream.Subscribe(decisions.Ref, typeof(HelperSupervisionDecision));
        var helper = Sys.ActorOf(HelperActor.Props(named, HelperOptions.Default.WithLaunch(LaunchOptions.Default.WithMemoryLimit(TooSmall))));
        Watch(helper);
        var request = new HelperClient(helper).SendAsync(Call("add", 1, 2));

        var first = decisions.ExpectMsg<HelperSupervisionDecision>(Patience);
        Assert.Equal((HelperFailureKind.OomKilled, HelperDirective.Restart, 1), (first.Kind, first.Directive, first.Attempt));
        var oom = Assert.IsType<HelperOomKilledException>(first.Failure);
        Assert.Equal(SignalNames.SIGKILL, oom.Signal);
        Assert.True(oom.Exit!.OomKillCount >= 1, oom.Message);
        // The default policy: OomKilled restarts with backoff up to its intensity, then stops.
        var policy = HelperSupervisionPolicy.Default.For(HelperFailureKind.OomKilled);
        var pids = new List<int> { oom.Pid };
        HelperSupervisionDecision last;
        do
        {
            last = decisions.ExpectMsg<HelperSupervisionDecision>(Patience);
            Assert.Equal(HelperFailureKind.OomKilled, last.Kind);
            pids.Add(last.Failure.Pid);
        }
        while (last.Directive == HelperDirective.Restart);
        Assert.Equal(HelperDirective.Stop, last.Directive);
        Assert.Equal(policy.Intensity.MaxRestarts + 1, pids.Count);
        ExpectTerminated(helper, Patience);

        // The queued request gets a typed answer, not a silent wait.
        var failure = await Assert.ThrowsAsync<HelperOomKilledException>(() => request.WaitAsync(Patience));

        // Nothing left: no helper process, no cgroup of this helper.
        var memoryRoot = CgroupSupport.Current.HostDirectories[0];
        await AwaitAssertAsync(() =>
        {
            Assert.All(pids, pid => Assert.False(Directory.Exists($"/proc/{pid}"), $"pid {pid} still exists"));
            Assert.Empty(Directory.EnumerateDirectories(memoryRoot, $"*{name}*"));
        }, Patience);
        Sys.Log.Info($"{pids.Count} OOM kills before hello; last: {last.Failure.Message}; request: {failure.GetType().Name}: {failure.Message}");
    }
}
