using Akka.Actor;
using OpenTelemetry.Metrics;
using UmhActors.Diagnostics;
using UmhActors.Helpers;
using UmhActors.Native.Blobs;
using UmhActors.Requests;
using UmhActors.Tests.Support;
using Xunit.Abstractions;

namespace UmhActors.Tests.Diagnostics;

/// <summary>The duration histograms are in seconds and advise sub-second buckets (10 µs … 10 s), which
/// the OpenTelemetry SDK exports instead of its millisecond-sized defaults.</summary>
[Collection(MeterCollection.Name)]
public sealed class DurationHistogramBucketsTests(ITestOutputHelper output) : HelperSpec(output)
{
    private readonly MetricsCollector _metrics = new();
    private readonly HelperBlob _blob = HelperBlob.FromResource(typeof(TestHelperBlob).Assembly, HelperBlob.EmbeddedHelperResourcePrefix + "testhelper",
        "buckets-" + Guid.NewGuid().ToString("N")[..8]);

    [Fact]
    public async Task Request_and_launch_durations_are_exported_with_sub_second_buckets()
    {
        var actor = Sys.ActorOf(HelperActor.Props(_blob));
        await WaitReadyAsync(actor);
        for (var i = 0; i < 5; i++) await actor.Ask<HelperResponse>(Call("add", 1, 2), Patience);

        await AwaitAssertAsync(() =>
        {
            foreach (var instrument in new[] { "umh.helper.request.duration", "umh.helper.launch.duration" })
            {
                var point = Assert.Single(_metrics.Points(instrument, ("helper", _blob.Name)));
                var buckets = new List<(double Bound, long Count)>();
                foreach (var bucket in point.GetHistogramBuckets()) buckets.Add((bucket.ExplicitBound, bucket.BucketCount));

                Assert.Equal([.. UmhMetrics.DurationBuckets, double.PositiveInfinity], buckets.Select(b => b.Bound));
                Assert.Equal(0.00001, buckets[0].Bound);
                Assert.Equal(10, buckets[^2].Bound);
                // Measured in seconds, a launch or a request lands below 10 s, not in the overflow bucket.
                Assert.Equal(0, buckets[^1].Count);
                Assert.Equal(point.GetHistogramCount(), buckets.Sum(b => b.Count));
            }
        }, Patience);
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (!disposing) return;
        _metrics.Dispose();
        _blob.Dispose();
    }
}
