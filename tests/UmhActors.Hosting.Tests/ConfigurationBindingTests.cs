using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using UmhActors.Failures;
using UmhActors.Helpers;
using UmhActors.Hosting.Tests.Support;
using UmhActors.Requests;
using UmhActors.Tests.Shared;

namespace UmhActors.Hosting.Tests;

/// <summary>A helper's configuration section in the TestKit's host: its request timeout and its
/// supervision entries govern the real helper.</summary>
public sealed class ConfigurationBindingTests(ITestOutputHelper output) : HelperTestKit(output)
{
    private const string Section = "Helpers:Resizer";

    private sealed class Resizer;

    protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
        [new($"{Section}:RequestTimeout", "00:00:00.300"), new($"{Section}:Supervision:crashed:directive", "Stop")];

    protected override void ConfigureAkka(AkkaConfigurationBuilder builder, IServiceProvider provider) => builder
        .WithUmhActors()
        .WithHelper<Resizer>("resizer", TestHelperBlob.Instance, provider.GetRequiredService<IConfiguration>().GetSection(Section));

    [Fact]
    public async Task Section_sets_the_request_timeout_and_stops_the_actor_on_a_crash()
    {
        var helper = await ActorRegistry.GetAsync<Resizer>();
        var pid = await ReadyPidAsync(helper);
        var client = new HelperClient(helper, Patience);

        // The default (30 s) would let this sleep finish; the section's 300 ms does not.
        await Assert.ThrowsAsync<HelperTimeoutException>(() => client.CallAsync<int[], int>("sleep", [10_000]).WaitAsync(Patience));

        Watch(helper);
        var failure = await Assert.ThrowsAnyAsync<HelperFailureException>(() => client.CallAsync<int[], int>("crash", []).WaitAsync(Patience));
        Assert.Equal(HelperFailureKind.Crashed, failure.Kind);
        // The default table would restart it; the section says stop.
        await ExpectTerminatedAsync(helper, Patience);
        Assert.True(await HostCensus.EventuallyAsync(() => HostCensus.ReadStat($"/proc/{pid}") is null, Patience));
    }
}
