using Akka.Hosting;
using UmhActors.Failures;
using UmhActors.Hosting.Tests.Support;
using UmhActors.Tests.Diagnostics;

namespace UmhActors.Hosting.Tests;

/// <summary>The <c>UmhActors</c> meter of a TestKit-hosted helper, collected through the OpenTelemetry
/// SDK: a real launch, real requests and a real SIGSEGV with its restart.</summary>
[Collection(MeterCollection.Name)]
public sealed class HostedMetricsTests(ITestOutputHelper output) : HelperTestKit(output)
{
    private sealed class Metered;

    private readonly MetricsCollector _metrics = new();
    private readonly string _name = "hosted-metrics-" + Guid.NewGuid().ToString("N")[..8];

    private (string, string) Helper => ("helper", _name);

    protected override void ConfigureAkka(AkkaConfigurationBuilder builder, IServiceProvider provider) => builder
        .WithUmhActors()
        .WithHelper<Metered>("metered", _ => TestHelperBlob.Named(_name)); // the host owns and disposes it

    [Fact]
    public async Task Launches_requests_and_a_crash_are_measured()
    {
        using var collecting = _metrics;
        var helper = await ActorRegistry.GetAsync<Metered>();
        var client = new HelperClient(helper, Patience);
        for (var i = 0; i < 3; i++) Assert.Equal(3, await client.CallAsync<int[], int>("add", [1, 2]).WaitAsync(Patience));
        var pid = await ReadyPidAsync(helper);

        await Assert.ThrowsAnyAsync<HelperFailureException>(() => client.CallAsync<int[], int>("crash", []).WaitAsync(Patience));
        await AwaitAssertAsync(async () => Assert.NotEqual(pid, await ReadyPidAsync(helper)), Patience);

        await AwaitAssertAsync(() =>
        {
            Assert.Equal(2, _metrics.Sum("umh.helper.launches", Helper, ("outcome", "ok")));
            Assert.Equal(2, _metrics.Count("umh.helper.launch.duration", Helper));
            Assert.Equal(3, _metrics.Count("umh.helper.request.duration", Helper, ("method", "add"), ("outcome", "ok")));
            Assert.Equal(1, _metrics.Count("umh.helper.request.duration", Helper, ("method", "crash"), ("outcome", "failed")));
            Assert.Equal(1, _metrics.Sum("umh.helper.exits", Helper, ("kind", "crashed")));
            Assert.Equal(1, _metrics.Sum("umh.helper.restarts", Helper, ("kind", "crashed")));
            Assert.Equal(1, _metrics.Sum("umh.helpers.live", Helper));
        }, Patience);
    }
}
