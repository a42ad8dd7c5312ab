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

/// <summary>The <c>UmhActors</c> ActivitySource, collected through the OpenTelemetry SDK: one client
/// span per real request, with the RPC attributes and the outcome.</summary>
[Collection(MeterCollection.Name)]
public sealed class RequestTracingTests : HelperSpec
{
    private readonly List<Activity> _spans = new();
    private readonly TracerProvider _provider;
    private readonly HelperBlob _blob = HelperBlob.FromResource(typeof(TestHelperBlob).Assembly, HelperBlob.EmbeddedHelperResourcePrefix + "testhelper",
        "traced-" + Guid.NewGuid().ToString("N")[..8]);

    public RequestTracingTests(ITestOutputHelper output) : base(output)
    {
        _provider = Sdk.CreateTracerProviderBuilder().AddSource(UmhTracing.SourceName).AddInMemoryExporter(_spans).Build()!;
    }

    private List<Activity> Spans()
    {
        lock (_spans) return _spans.Where(s => Equals(s.GetTagItem("helper"), _blob.Name)).ToList();
    }

    [Fact]
    public async Task Each_request_is_one_client_span_with_rpc_attributes_pid_and_outcome()
    {
        var actor = Sys.ActorOf(HelperActor.Props(_blob));
        var pid = await WaitReadyAsync(actor);

        await actor.Ask<HelperResponse>(Call("add", 1, 2), Patience);
        await Assert.ThrowsAsync<HelperErrorException>(() => actor.Ask<HelperResponse>(Call("fail", "on purpose"), Patience));
        await Assert.ThrowsAsync<HelperTimeoutException>(() => actor.Ask<HelperResponse>(Call("sleep", TimeSpan.FromMilliseconds(100), 5_000), Patience));

        await AwaitAssertAsync(() => Assert.Equal(3, Spans().Count), Patience);
        var spans = Spans().ToDictionary(s => (string)s.GetTagItem("rpc.method")!);
        Assert.All(spans.Values, span =>
        {
            Assert.Equal(ActivityKind.Client, span.Kind);
            Assert.Equal("msgpack-rpc", span.GetTagItem("rpc.system"));
            Assert.Equal(_blob.Name, span.GetTagItem("rpc.service"));
            Assert.Equal(pid, span.GetTagItem("umh.helper.pid"));
            Assert.True(span.Duration > TimeSpan.Zero);
        });
        Assert.Equal($"{_blob.Name}/add", spans["add"].DisplayName);
        Assert.Equal("ok", spans["add"].GetTagItem("outcome"));
        Assert.Equal(ActivityStatusCode.Unset, spans["add"].Status);
        Assert.Equal("error", spans["fail"].GetTagItem("outcome"));
        Assert.Equal(ActivityStatusCode.Error, spans["fail"].Status);
        Assert.Equal("timeout", spans["sleep"].GetTagItem("outcome"));
        Assert.InRange(spans["sleep"].Duration, TimeSpan.FromMilliseconds(90), Patience);
    }

    [Fact]
    public async Task A_request_span_is_not_left_current_on_the_actor_thread()
    {
        var actor = Sys.ActorOf(HelperActor.Props(_blob));
        await WaitReadyAsync(actor);

        // Sent together, so the actor takes them in one run of its mailbox, on one thread.
        await Task.WhenAll(Enumerable.Range(0, 20).Select(i => actor.Ask<HelperResponse>(Call("add", i, 1), Patience)));

        await AwaitAssertAsync(() => Assert.Equal(20, Spans().Count), Patience);
        // Each request is its own root: none became the parent of the next.
        Assert.All(Spans(), span => Assert.Null(span.ParentId));
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (!disposing) return;
        _provider.Dispose();
        _blob.Dispose();
    }
}
