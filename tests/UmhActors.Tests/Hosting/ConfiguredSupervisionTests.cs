using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using UmhActors.Failures;
using UmhActors.Helpers;
using UmhActors.Hosting;
using UmhActors.Tests.Shared;
using UmhActors.Tests.Support;
using static UmhActors.Tests.Hosting.HostedHelperProbe;

namespace UmhActors.Tests.Hosting;

/// <summary>A helper registered with its configuration section runs under the section's supervision
/// entries: a real helper dying by SIGSEGV stops its actor when the section says Stop on crash, where the
/// default table restarts it; a wrong entry fails the host's start naming the key.</summary>
public sealed class ConfiguredSupervisionTests
{
    private const string Section = "Helpers:Crasher";

    private sealed class Crasher;

    [Fact]
    public async Task Section_saying_stop_on_crash_stops_the_actor_of_a_SIGSEGVd_helper()
    {
        using var host = BuildHost(("Supervision:Crashed:Directive", "Stop"));
        await host.StartAsync().WaitAsync(Patience);
        try
        {
            var helper = await host.Services.GetRequiredService<IRequiredActor<Crasher>>().GetAsync().WaitAsync(Patience);
            var pid = await ReadyPidAsync(helper);
            var terminated = helper.WatchAsync();

            var failure = await Assert.ThrowsAnyAsync<HelperFailureException>(() => new HelperClient(helper, Patience).CallAsync<int[], object>("crash", []).WaitAsync(Patience));

            Assert.Equal(HelperFailureKind.Crashed, failure.Kind);
            Assert.True(await terminated.WaitAsync(Patience), "the helper actor did not stop");
            Assert.True(await ProcessGoneAsync(pid));
        }
        finally
        {
            await host.StopAsync().WaitAsync(Patience);
        }
    }

    [Fact]
    public async Task Without_the_entry_the_same_crash_restarts_the_helper()
    {
        // The section only bounds the requests: the crash falls to the default table.
        using var host = BuildHost(("MaxInFlight", "8"));
        await host.StartAsync().WaitAsync(Patience);
        try
        {
            var helper = await host.Services.GetRequiredService<IRequiredActor<Crasher>>().GetAsync().WaitAsync(Patience);
            var pid = await ReadyPidAsync(helper);

            var failure = await Assert.ThrowsAnyAsync<HelperFailureException>(() => new HelperClient(helper, Patience).CallAsync<int[], object>("crash", []).WaitAsync(Patience));

            Assert.Equal(HelperFailureKind.Crashed, failure.Kind);
            Assert.True(await HostCensus.EventuallyAsync(() =>
            {
                var status = helper.Ask<HelperStatus>(GetHelperStatus.Instance, Patience).Result;
                return status.Ready && status.Pid != pid && status.Restarts == 1;
            }, Patience), "the helper was not restarted");
        }
        finally
        {
            await host.StopAsync().WaitAsync(Patience);
        }
    }

    [Fact]
    public async Task Wrong_supervision_entry_fails_the_start_naming_the_full_key()
    {
        using var host = BuildHost(("Supervision:Crashed:MaxRestarts", "many"));

        var failure = await Record.ExceptionAsync(() => host.StartAsync().WaitAsync(Patience));

        var error = Assert.IsType<HelperConfigurationException>(Find<HelperConfigurationException>(failure));
        Assert.Equal($"{Section}:Supervision:Crashed:MaxRestarts", error.Key);
    }

    private static IHost BuildHost(params (string Key, string Value)[] values)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>($"{Section}:{v.Key}", v.Value)));
        builder.Services.AddAkka("configured-supervision", (b, sp) => b.WithUmhActors()
            .WithHelper<Crasher>("crasher", TestHelperBlob.Instance, sp.GetRequiredService<IConfiguration>().GetSection(Section)));
        return builder.Build();
    }

    private static async Task<int> ReadyPidAsync(IActorRef helper)
    {
        HelperStatus? status = null;
        Assert.True(await HostCensus.EventuallyAsync(() => (status = helper.Ask<HelperStatus>(GetHelperStatus.Instance, Patience).Result).Ready, Patience),
            "the helper never became ready");
        return status!.Pid;
    }

    internal static Exception? Find<T>(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is T) return e;
            if (e is AggregateException aggregate && aggregate.InnerExceptions.Select(Find<T>).FirstOrDefault(x => x is not null) is { } found) return found;
        }
        return null;
    }
}
