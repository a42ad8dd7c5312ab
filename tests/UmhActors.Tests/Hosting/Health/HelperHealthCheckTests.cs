using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using UmhActors.Failures;
using UmhActors.Guardian;
using UmhActors.Helpers;
using UmhActors.Hosting;
using UmhActors.Hosting.Health;
using UmhActors.Native.Blobs;
using UmhActors.Supervision;
using UmhActors.Tests.Support;
using static UmhActors.Tests.Hosting.HostedHelperProbe;

namespace UmhActors.Tests.Hosting.Health;

/// <summary><c>AddUmhHelpers()</c> in a real Generic Host with the real NativeAOT test helper:
/// Healthy when ready, Degraded while a crashed helper waits for its restart, Unhealthy once a helper
/// actor stopped or launches are disabled.</summary>
public sealed class HelperHealthCheckTests
{
    private sealed class First;

    private sealed class Second;

    private static readonly TimeSpan Eventually = TimeSpan.FromSeconds(10);

    private static IHost Build(Action<AkkaConfigurationBuilder> helpers) => BuildHost(services =>
    {
        services.AddHealthChecks().AddUmhHelpers(o => o.StatusTimeout = TimeSpan.FromSeconds(2));
        services.AddAkka("health", b => helpers(b.WithUmhActors()));
    });

    private static Task<HealthReport> CheckAsync(IHost host) => host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();

    private static HelperHealth Entry(HealthReport report, string name) => (HelperHealth)report.Entries["umh-helpers"].Data[name];

    // Polls the check (each probe bounded by its own timeout) until it reports what is wanted.
    private static async Task<HealthReport> UntilAsync(IHost host, Func<HealthReport, bool> wanted)
    {
        var deadline = DateTime.UtcNow + Eventually;
        HealthReport report;
        do
        {
            report = await CheckAsync(host).WaitAsync(Patience);
            if (wanted(report)) return report;
            await Task.Delay(50);
        }
        while (DateTime.UtcNow < deadline);
        throw new Xunit.Sdk.XunitException($"never reached; last report {report.Status}: {report.Entries["umh-helpers"].Description}");
    }

    private static async Task<HelperClient> ClientAsync<TKey>(IHost host) =>
        new(await host.Services.GetRequiredService<IRequiredActor<TKey>>().GetAsync().WaitAsync(Patience));

    [Fact]
    public async Task Healthy_when_every_hosted_helper_is_ready_with_each_named_in_the_data()
    {
        using var host = Build(b => b.WithHelper<First>("first", TestHelperBlob.Instance).WithHelper<Second>("second", TestHelperBlob.Instance));
        await host.StartAsync().WaitAsync(Patience);
        try
        {
            var firstPid = await (await ClientAsync<First>(host)).CallAsync<int[], int>("pid", []).WaitAsync(Patience);
            var secondPid = await (await ClientAsync<Second>(host)).CallAsync<int[], int>("pid", []).WaitAsync(Patience);

            var report = await UntilAsync(host, r => r.Status == HealthStatus.Healthy);

            Assert.Equal(new HelperHealth("ready", firstPid, 0, 0, null), Entry(report, "first"));
            Assert.Equal(new HelperHealth("ready", secondPid, 0, 0, null), Entry(report, "second"));
            Assert.Equal(nameof(GuardianState.Enabled), report.Entries["umh-helpers"].Data["$guardian"]);
        }
        finally
        {
            await host.StopAsync().WaitAsync(Patience);
        }
    }

    [Fact]
    public async Task Degraded_while_a_crashed_helper_waits_for_its_restart_then_Healthy_again()
    {
        // A backoff long enough to observe the gap, short enough for a fast test.
        var backoff = new HelperBackoff(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(2), 0, TimeSpan.FromSeconds(30));
        var options = HelperOptions.Default.WithSupervision(HelperSupervisionPolicy.Default.WithBackoff(backoff));
        using var host = Build(b => b.WithHelper<First>("crasher", TestHelperBlob.Instance, options));
        await host.StartAsync().WaitAsync(Patience);
        try
        {
            var client = await ClientAsync<First>(host);
            var pid = await client.CallAsync<int[], int>("pid", []).WaitAsync(Patience);
            await UntilAsync(host, r => r.Status == HealthStatus.Healthy);

            await Assert.ThrowsAnyAsync<HelperFailureException>(() => client.CallAsync<int[], int>("crash", []).WaitAsync(Patience));

            var degraded = await CheckAsync(host).WaitAsync(Patience);
            Assert.Equal(HealthStatus.Degraded, degraded.Status);
            Assert.Equal(new HelperHealth("restarting", 0, 1, 1, HelperFailureKind.Crashed), Entry(degraded, "crasher"));

            var healthy = await UntilAsync(host, r => r.Status == HealthStatus.Healthy);
            var entry = Entry(healthy, "crasher");
            Assert.Equal("ready", entry.State);
            Assert.NotEqual(pid, entry.Pid);
            Assert.Equal(1, entry.Restarts);
            Assert.Equal(HelperFailureKind.Crashed, entry.LastFailureKind);
        }
        finally
        {
            await host.StopAsync().WaitAsync(Patience);
        }
    }

    [Fact]
    public async Task Degraded_while_ready_when_the_restart_rate_is_above_the_threshold()
    {
        var options = HelperOptions.Default.WithSupervision(HelperSupervisionPolicy.Default.WithBackoff(HelperBackoff.None));
        using var host = BuildHost(services =>
        {
            services.AddHealthChecks().AddUmhHelpers(o => o.MaxRestartsInWindow = 1);
            services.AddAkka("health", b => b.WithUmhActors().WithHelper<First>("flaky", TestHelperBlob.Instance, options));
        });
        await host.StartAsync().WaitAsync(Patience);
        try
        {
            var client = await ClientAsync<First>(host);
            await UntilAsync(host, r => r.Status == HealthStatus.Healthy);
            for (var i = 0; i < 2; i++)
            {
                await Assert.ThrowsAnyAsync<HelperFailureException>(() => client.CallAsync<int[], int>("crash", []).WaitAsync(Patience));
                await UntilAsync(host, r => Entry(r, "flaky").State == "ready");
            }

            var report = await UntilAsync(host, r => Entry(r, "flaky") is { State: "ready", Restarts: 2 });
            Assert.Equal(HealthStatus.Degraded, report.Status);
            Assert.Equal(2, Entry(report, "flaky").RecentRestarts);
        }
        finally
        {
            await host.StopAsync().WaitAsync(Patience);
        }
    }

    [Fact]
    public async Task Unhealthy_once_a_helper_that_exited_cleanly_is_stopped_by_its_policy()
    {
        using var host = Build(b => b.WithHelper<First>("quitter", TestHelperBlob.Instance).WithHelper<Second>("steady", TestHelperBlob.Instance));
        await host.StartAsync().WaitAsync(Patience);
        try
        {
            var client = await ClientAsync<First>(host);
            await UntilAsync(host, r => r.Status == HealthStatus.Healthy);

            // Exit code 0 on its own: the default table's Stop directive.
            await Assert.ThrowsAnyAsync<HelperFailureException>(() => client.CallAsync<int[], int>("exit", [0]).WaitAsync(Patience));

            var report = await UntilAsync(host, r => r.Status == HealthStatus.Unhealthy);
            Assert.Equal(new HelperHealth("stopped", 0, null, null, HelperFailureKind.Exited), Entry(report, "quitter"));
            Assert.Equal("ready", Entry(report, "steady").State);
            Assert.Contains("quitter stopped", report.Entries["umh-helpers"].Description);
        }
        finally
        {
            await host.StopAsync().WaitAsync(Patience);
        }
    }

    [Fact]
    public async Task Unhealthy_when_a_non_executable_blob_failed_to_launch()
    {
        using var junk = HelperBlob.FromBytes("junk", "not an executable, not a script\n"u8);
        using var host = Build(b => b.WithHelper<First>("junk", junk));
        await host.StartAsync().WaitAsync(Patience);
        try
        {
            var report = await UntilAsync(host, r => r.Status == HealthStatus.Unhealthy);
            Assert.Equal(new HelperHealth("stopped", 0, null, null, HelperFailureKind.LaunchFailed), Entry(report, "junk"));
        }
        finally
        {
            await host.StopAsync().WaitAsync(Patience);
        }
    }

    [Fact]
    public async Task Unhealthy_while_the_guardian_is_disabled_and_Healthy_once_enabled_again()
    {
        using var host = Build(b => b.WithHelper<First>("first", TestHelperBlob.Instance));
        await host.StartAsync().WaitAsync(Patience);
        try
        {
            await UntilAsync(host, r => r.Status == HealthStatus.Healthy);
            var guardian = UmhGuardian.Get(host.Services.GetRequiredService<Akka.Actor.ActorSystem>());

            await guardian.DisableAsync(Patience).WaitAsync(Patience);
            var disabled = await CheckAsync(host).WaitAsync(Patience);
            Assert.Equal(HealthStatus.Unhealthy, disabled.Status);
            Assert.Equal(nameof(GuardianState.Disabled), disabled.Entries["umh-helpers"].Data["$guardian"]);
            Assert.Equal("ready", Entry(disabled, "first").State);

            await guardian.EnableAsync().WaitAsync(Patience);
            Assert.Equal(HealthStatus.Healthy, (await CheckAsync(host).WaitAsync(Patience)).Status);
        }
        finally
        {
            await host.StopAsync().WaitAsync(Patience);
        }
    }
}
