using System.Diagnostics.Metrics;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using UmhActors.Diagnostics;
using UmhActors.Helpers;
using UmhActors.Hosting;
using UmhActors.Native.Blobs;
using UmhActors.Tests.Hosting;
using UmhActors.Tests.Support;

namespace UmhActors.Tests.Diagnostics;

/// <summary>In a Generic Host, the <c>UmhActors</c> meter comes from the app's <see cref="IMeterFactory"/>
/// and still reaches an OpenTelemetry <c>AddMeter("UmhActors")</c>.</summary>
[Collection(MeterCollection.Name)]
public sealed class HostedMeterTests : HostingSpec, IDisposable
{
    private sealed class Metered;

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);
    private readonly MetricsCollector _metrics = new();
    private readonly string _name = "hosted-" + Guid.NewGuid().ToString("N")[..8];

    protected override void ConfigureAkka(AkkaConfigurationBuilder builder, IServiceProvider provider) => builder
        .WithUmhActors()
        .WithHelper<Metered>("metered", _ => HelperBlob.FromResource(typeof(TestHelperBlob).Assembly, HelperBlob.EmbeddedHelperResourcePrefix + "testhelper", _name));

    [Fact]
    public async Task Hosted_system_measures_with_the_apps_meter_factory()
    {
        var meter = UmhMetrics.For(Sys).Meter;
        Assert.Same(Services.GetRequiredService<IMeterFactory>(), meter.Scope);
        Assert.Equal(UmhMetrics.MeterName, meter.Name);

        var helper = ActorRegistry.For(Sys).Get<Metered>();
        Assert.Equal(3, await new HelperClient(helper).CallAsync<int[], int>("add", [1, 2]).WaitAsync(Patience));
        Assert.Equal(1, _metrics.Sum("umh.helper.launches", ("helper", _name), ("outcome", "ok")));
        Assert.Equal(1, _metrics.Count("umh.helper.request.duration", ("helper", _name), ("method", "add"), ("outcome", "ok")));
    }

    void IDisposable.Dispose() => _metrics.Dispose();
}
