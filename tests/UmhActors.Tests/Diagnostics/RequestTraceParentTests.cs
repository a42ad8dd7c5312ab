using System.Diagnostics;
using Akka.Actor;
using OpenTelemetry;
using OpenTelemetry.Trace;
using UmhActors.Diagnostics;
using UmhActors.Helpers;
using UmhActors.Native.Blobs;
using UmhActors.Requests;
using UmhActors.Tests.Support;
using Xunit.Abstractions;

namespace UmhActors.Tests.Diagnostics;

/// <summary>A request's span is a child of the caller's <see cref="Activity.Current"/> when it called,
/// though the span starts in the actor, on another thread; with no tracer listening, nothing is captured.</summary>
[Collection(MeterCollection.Name)]
public sealed class RequestTraceParentTests(ITestOutputHelper output) : HelperSpec(output)
{
    private static readonly ActivitySource Caller = new("UmhActors.Tests.Caller");
    private readonly List<Activity> _spans = [];
    private readonly HelperBlob _blob = HelperBlob.FromResource(typeof(TestHelperBlob).Assembly, HelperBlob.EmbeddedHelperResourcePrefix + "testhelper",
        "parented-" + Guid.NewGuid().ToString("N")[..8]);

    private List<Activity> Spans()
    {
        lock (_spans) return _spans.Where(s => Equals(s.GetTagItem("helper"), _blob.Name)).ToList();
    }

    [Fact]
    public async Task Request_span_is_a_child_of_the_callers_activity_through_CallAsync_and_Ask()
    {
        using var provider = Sdk.CreateTracerProviderBuilder().AddSource(UmhTracing.SourceName).AddSource(Caller.Name).AddInMemoryExporter(_spans).Build()!;
        var actor = Sys.ActorOf(HelperActor.Props(_blob));
        await WaitReadyAsync(actor);

        ActivityContext viaClient, viaAsk;
        using (var parent = Caller.StartActivity("handle order")!)
        {
            Assert.Equal(3, await new HelperClient(actor).CallAsync<int[], int>("add", [1, 2]).WaitAsync(Patience));
            viaClient = parent.Context;
        }
        using (var parent = Caller.StartActivity("handle refund")!)
        {
            await actor.Ask<HelperResponse>(Call("sleep", 1), Patience);
            viaAsk = parent.Context;
        }

        await AwaitAssertAsync(() => Assert.Equal(2, Spans().Count), Patience);
        var add = Assert.Single(Spans(), s => Equals(s.GetTagItem("rpc.method"), "add"));
        Assert.Equal(viaClient.TraceId, add.TraceId);
        Assert.Equal(viaClient.SpanId, add.ParentSpanId);
        var sleep = Assert.Single(Spans(), s => Equals(s.GetTagItem("rpc.method"), "sleep"));
        Assert.Equal(viaAsk.TraceId, sleep.TraceId);
        Assert.Equal(viaAsk.SpanId, sleep.ParentSpanId);
        Assert.NotEqual(viaClient.TraceId, viaAsk.TraceId);
    }

    [Fact]
    public async Task Concurrent_callers_each_parent_their_own_request()
    {
        using var provider = Sdk.CreateTracerProviderBuilder().AddSource(UmhTracing.SourceName).AddSource(Caller.Name).AddInMemoryExporter(_spans).Build()!;
        var actor = Sys.ActorOf(HelperActor.Props(_blob));
        await WaitReadyAsync(actor);
        var client = new HelperClient(actor);

        // Twenty callers at once, each in its own activity: the actor takes their requests in one
        // mailbox run on one thread, and must still give each span its own caller as parent.
        var callers = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Task.Run(async () =>
        {
            using var parent = Caller.StartActivity($"caller {i}")!;
            var sum = await client.CallAsync<int[], int>("add", [i, 1000]).WaitAsync(Patience);
            return (Sum: sum, parent.Context);
        })));

        await AwaitAssertAsync(() => Assert.Equal(20, Spans().Count), Patience);
        var byParent = Spans().ToDictionary(s => s.ParentSpanId);
        Assert.All(callers, caller =>
        {
            var span = byParent[caller.Context.SpanId];
            Assert.Equal(caller.Context.TraceId, span.TraceId);
        });
        Assert.Equal(Enumerable.Range(1000, 20), callers.Select(c => c.Sum).Order());
    }

    [Fact]
    public void A_parent_set_explicitly_is_carried_and_default_clears_it()
    {
        var remote = new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded, isRemote: true);

        var request = HelperRequest.WithoutParams("add") with { TraceParent = remote };

        Assert.Equal(remote, request.TraceParent);
        Assert.Equal(remote, (request with { RoutingKey = "k" }).TraceParent);
        Assert.Equal(default, (request with { TraceParent = default }).TraceParent);
    }

    [Fact]
    public void Without_a_listener_a_request_captures_no_parent_and_allocates_nothing_for_it()
    {
        // A caller span from a source of its own, so UmhActors itself has no listener.
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == Caller.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);
        using var parent = Caller.StartActivity("handle order")!;
        Assert.False(UmhTracing.Source.HasListeners());

        Assert.Equal(default, HelperRequest.WithoutParams("add").TraceParent);
        Assert.Null(UmhTracing.CallerActivity());
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++) _ = UmhTracing.CallerActivity();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (!disposing) return;
        _blob.Dispose();
    }
}
