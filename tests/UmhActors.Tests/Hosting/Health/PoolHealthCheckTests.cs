using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using UmhActors.Helpers;
using UmhActors.Hosting;
using UmhActors.Hosting.Health;
using UmhActors.Tests.Support;
using static UmhActors.Tests.Hosting.HostedHelperProbe;

namespace UmhActors.Tests.Hosting.Health;

/// <summary><c>AddUmhHelpers()</c> over a real pool of two NativeAOT test helpers: each helper of the
/// pool is probed and named <c>POOL/POOL-n</c>; a pool left without an active helper is Unhealthy.</summary>
public sealed class PoolHealthCheckTests
{
    private sealed class Pooled;

    private static readonly TimeSpan Eventually = TimeSpan.FromSeconds(10);

    private static IHost Build() => BuildHost(services =>
    {
        services.AddHealthChecks().AddUmhHelpers(o => o.StatusTimeout = TimeSpan.FromSeconds(2));
        services.AddAkka("pool-health", b => b.WithUmhActors().WithHelperPool<Pooled>("pool", TestHelperBlob.Instance, size: 2));
    });

    private static async Task<HealthReport> UntilAsync(IHost host, Func<HealthReport, bool> wanted)
    {
        var deadline = DateTime.UtcNow + Eventually;
        HealthReport report;
        do
        {
            report = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync().WaitAsync(Patience);
            if (wanted(report)) return report;
            await Task.Delay(50);
        }
        while (DateTime.UtcNow < deadline);
        throw new Xunit.Sdk.XunitException($"never reached; last report {report.Status}: {report.Entries["umh-helpers"].Description}");
    }

    private static async Task<IReadOnlyList<IActorRef>> ActiveAsync(IHost host)
    {
        var pool = await host.Services.GetRequiredService<IRequiredActor<Pooled>>().GetAsync().WaitAsync(Patience);
        return (await pool.Ask<HelperPoolRoutees>(GetHelperPoolRoutees.Instance, Patience)).Active;
    }

    [Fact]
    public async Task Healthy_pool_reports_each_of_its_helpers_by_pool_and_helper_name()
    {
        using var host = Build();
        await host.StartAsync().WaitAsync(Patience);
        try
        {
            var routees = await ActiveAsync(host);
            Assert.Equal(2, routees.Count);
            var pids = new Dictionary<string, int>();
            foreach (var routee in routees)
                pids[$"pool/{routee.Path.Name}"] = await new HelperClient(routee).CallAsync<int[], int>("pid", []).WaitAsync(Patience);

            var report = await UntilAsync(host, r => r.Status == HealthStatus.Healthy);

            var data = report.Entries["umh-helpers"].Data;
            Assert.Equal(["pool/pool-1", "pool/pool-2"], pids.Keys.Order());
            foreach (var (name, pid) in pids) Assert.Equal(new HelperHealth("ready", pid, 0, 0, null), data[name]);
            Assert.False(data.ContainsKey("pool"));
        }
        finally
        {
            await host.StopAsync().WaitAsync(Patience);
        }
    }

    [Fact]
    public async Task Pool_without_an_active_helper_is_Unhealthy()
    {
        using var host = Build();
        await host.StartAsync().WaitAsync(Patience);
        try
        {
            await UntilAsync(host, r => r.Status == HealthStatus.Healthy);
            // A helper that stops leaves the pool and is not replaced: stop both.
            foreach (var routee in await ActiveAsync(host)) routee.Tell(PoisonPill.Instance);

            // Until the pool sees them terminate, the stopped helpers themselves report Unhealthy.
            var report = await UntilAsync(host, r => r.Entries["umh-helpers"].Description?.Contains("no active helper") == true);

            Assert.Equal(HealthStatus.Unhealthy, report.Status);
            Assert.Equal("helper pool pool has no active helper", report.Entries["umh-helpers"].Description);
            Assert.DoesNotContain(report.Entries["umh-helpers"].Data.Keys, key => key.StartsWith("pool/", StringComparison.Ordinal));
        }
        finally
        {
            await host.StopAsync().WaitAsync(Patience);
        }
    }
}
