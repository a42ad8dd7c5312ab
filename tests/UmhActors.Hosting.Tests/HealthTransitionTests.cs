using Akka.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using UmhActors.Failures;
using UmhActors.Hosting.Health;
using UmhActors.Hosting.Tests.Support;

namespace UmhActors.Hosting.Tests;

/// <summary>The <c>AddUmhHelpers()</c> health check follows a real SIGSEGV: Healthy, Degraded while the
/// helper waits out the backoff its configuration section gives, Healthy again once restarted.</summary>
public sealed class HealthTransitionTests(ITestOutputHelper output) : HelperTestKit(output)
{
    private const string Section = "Helpers:Crasher";

    private sealed class Crasher;

    // A backoff long enough to observe the gap, short enough for a fast test.
    protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
    [
        new($"{Section}:Supervision:Crashed:MinBackoff", "00:00:02"), new($"{Section}:Supervision:Crashed:MaxBackoff", "00:00:02"),
        new($"{Section}:Supervision:Crashed:RandomFactor", "0"),
    ];

    protected override void ConfigureServices(Microsoft.Extensions.Hosting.HostBuilderContext context, IServiceCollection services) =>
        services.AddHealthChecks().AddUmhHelpers(o => o.StatusTimeout = TimeSpan.FromSeconds(2));

    protected override void ConfigureAkka(AkkaConfigurationBuilder builder, IServiceProvider provider) => builder
        .WithUmhActors()
        .WithHelper<Crasher>("crasher", TestHelperBlob.Instance, provider.GetRequiredService<IConfiguration>().GetSection(Section));

    [Fact]
    public async Task Healthy_then_Degraded_after_a_SIGSEGV_then_Healthy_after_the_restart()
    {
        var helper = await ActorRegistry.GetAsync<Crasher>();
        var pid = await ReadyPidAsync(helper);
        await UntilAsync(HealthStatus.Healthy);

        await Assert.ThrowsAnyAsync<HelperFailureException>(() => new HelperClient(helper, Patience).CallAsync<int[], int>("crash", []).WaitAsync(Patience));

        var degraded = await UntilAsync(HealthStatus.Degraded);
        Assert.Equal(new HelperHealth("restarting", 0, 1, 1, HelperFailureKind.Crashed), Entry(degraded));
        var healthy = await UntilAsync(HealthStatus.Healthy);
        Assert.Equal("ready", Entry(healthy).State);
        Assert.NotEqual(pid, Entry(healthy).Pid);
        Assert.Equal(HelperFailureKind.Crashed, Entry(healthy).LastFailureKind);
    }

    private static HelperHealth Entry(HealthReport report) => (HelperHealth)report.Entries["umh-helpers"].Data["crasher"];

    private async Task<HealthReport> UntilAsync(HealthStatus wanted)
    {
        var checks = Host.Services.GetRequiredService<HealthCheckService>();
        HealthReport? report = null;
        await AwaitAssertAsync(async () =>
        {
            report = await checks.CheckHealthAsync().WaitAsync(Patience);
            Assert.Equal(wanted, report.Status);
        }, Patience, TimeSpan.FromMilliseconds(50));
        return report!;
    }
}
