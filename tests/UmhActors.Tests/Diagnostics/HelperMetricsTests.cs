using Akka.Actor;
using UmhActors.Failures;
using UmhActors.Guardian;
using UmhActors.Helpers;
using UmhActors.Native.Blobs;
using UmhActors.Requests;
using UmhActors.Tests.Support;
using Xunit.Abstractions;

namespace UmhActors.Tests.Diagnostics;

/// <summary>The <c>UmhActors</c> meter, collected through the OpenTelemetry SDK, after real launches,
/// a real crash and real requests.</summary>
[Collection(MeterCollection.Name)]
public sealed class HelperMetricsTests(ITestOutputHelper output) : HelperSpec(output)
{
    private readonly MetricsCollector _metrics = new();
    private readonly HelperBlob _blob = HelperBlob.FromResource(typeof(TestHelperBlob).Assembly, HelperBlob.EmbeddedHelperResourcePrefix + "testhelper",
        "metrics-" + Guid.NewGuid().ToString("N")[..8]);

    private (string, string) Helper => ("helper", _blob.Name);

    [Fact]
    public async Task Launch_is_counted_timed_to_hello_and_the_helper_counted_live()
    {
        var actor = Sys.ActorOf(HelperActor.Props(_blob));
        await WaitReadyAsync(actor);

        Assert.Equal(1, _metrics.Sum("umh.helper.launches", Helper, ("outcome", "ok")));
        Assert.Equal(1, _metrics.Count("umh.helper.launch.duration", Helper));
        Assert.Equal(1, _metrics.Sum("umh.helpers.live", Helper));

        Watch(actor);
        Sys.Stop(actor);
        ExpectTerminated(actor);
        // A stopped actor leaves the gauges at once.
        Assert.Equal(0, _metrics.Sum("umh.helpers.live", Helper));
    }

    [Fact]
    public async Task Crash_by_SIGSEGV_is_counted_as_a_crashed_exit_and_a_restart()
    {
        var actor = Sys.ActorOf(HelperActor.Props(_blob));
        var firstPid = await WaitReadyAsync(actor);

        var failure = await Assert.ThrowsAnyAsync<HelperFailureException>(() => actor.Ask<HelperResponse>(Call("crash"), Patience));
        Assert.Equal(HelperFailureKind.Crashed, failure.Kind);
        await AwaitAssertAsync(async () => Assert.NotEqual(firstPid, await WaitReadyAsync(actor)), Patience);

        await AwaitAssertAsync(() =>
        {
            Assert.Equal(1, _metrics.Sum("umh.helper.exits", Helper, ("kind", "crashed")));
            Assert.Equal(1, _metrics.Sum("umh.helper.restarts", Helper, ("kind", "crashed")));
            Assert.Equal(2, _metrics.Sum("umh.helper.launches", Helper, ("outcome", "ok")));
            Assert.Equal(1, _metrics.Sum("umh.helpers.live", Helper));
        }, Patience);
        // The crashed request ended as failed.
        Assert.Equal(1, _metrics.Count("umh.helper.request.duration", Helper, ("method", "crash"), ("outcome", "failed")));
    }

    [Fact]
    public async Task Request_durations_are_recorded_by_method_and_outcome()
    {
        var actor = Sys.ActorOf(HelperActor.Props(_blob));
        await WaitReadyAsync(actor);

        for (var i = 0; i < 5; i++) await actor.Ask<HelperResponse>(Call("add", 1, 2), Patience);
        await Assert.ThrowsAsync<HelperErrorException>(() => actor.Ask<HelperResponse>(Call("fail", "on purpose"), Patience));
        await Assert.ThrowsAsync<HelperTimeoutException>(() => actor.Ask<HelperResponse>(Call("sleep", TimeSpan.FromMilliseconds(100), 5_000), Patience));

        await AwaitAssertAsync(() =>
        {
            Assert.Equal(5, _metrics.Count("umh.helper.request.duration", Helper, ("method", "add"), ("outcome", "ok")));
            Assert.Equal(1, _metrics.Count("umh.helper.request.duration", Helper, ("method", "fail"), ("outcome", "error")));
            Assert.Equal(1, _metrics.Count("umh.helper.request.duration", Helper, ("method", "sleep"), ("outcome", "timeout")));
        }, Patience);
        var timedOut = Assert.Single(_metrics.Points("umh.helper.request.duration", Helper, ("outcome", "timeout")));
        Assert.InRange(timedOut.GetHistogramSum(), 0.1, 10); // seconds, not ms or ticks
        Assert.Equal(0, _metrics.Sum("umh.helper.requests.in_flight", Helper));
    }

    [Fact]
    public async Task Requests_in_flight_and_queued_are_observed()
    {
        var actor = Sys.ActorOf(HelperActor.Props(_blob, HelperOptions.Default with { MaxInFlight = 1 }));
        await WaitReadyAsync(actor);

        var slow = actor.Ask<HelperResponse>(Call("sleep", 1_000), Patience);
        var waiting = actor.Ask<HelperResponse>(Call("add", 1, 2), Patience);
        await AwaitAssertAsync(() =>
        {
            Assert.Equal(1, _metrics.Sum("umh.helper.requests.in_flight", Helper));
            Assert.Equal(1, _metrics.Sum("umh.helper.requests.queued", Helper));
        }, Patience);
        await Task.WhenAll(slow, waiting);
        await AwaitAssertAsync(() =>
        {
            Assert.Equal(0, _metrics.Sum("umh.helper.requests.in_flight", Helper));
            Assert.Equal(0, _metrics.Sum("umh.helper.requests.queued", Helper));
        }, Patience);
    }

    [Fact]
    public async Task Launch_refused_by_a_disabled_guardian_is_counted_as_refused()
    {
        var transition = await UmhGuardian.Get(Sys).Actor.Ask<GuardianTransition>(new DisableLaunches(Patience), Patience);
        Assert.True(transition.Succeeded);
        // The meter is shared with tests running in parallel: count what this test adds.
        var refusalsBefore = _metrics.Sum("umh.guardian.refusals", ("reason", "disabled"));

        // The default policy stops the actor on a failed launch.
        var actor = Sys.ActorOf(HelperActor.Props(_blob));
        Watch(actor);
        ExpectTerminated(actor, Patience);

        Assert.Equal(1, _metrics.Sum("umh.helper.launches", Helper, ("outcome", "refused")));
        Assert.Equal(0, _metrics.Sum("umh.helper.launches", Helper, ("outcome", "ok")));
        Assert.True(_metrics.Sum("umh.guardian.refusals", ("reason", "disabled")) > refusalsBefore);
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (!disposing) return;
        _metrics.Dispose();
        _blob.Dispose();
    }
}
