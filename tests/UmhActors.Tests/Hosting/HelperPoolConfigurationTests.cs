using Akka.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using UmhActors.Helpers;
using UmhActors.Hosting;
using UmhActors.Requests;
using UmhActors.Tests.Support;
using static UmhActors.Tests.Hosting.HostedHelperProbe;

namespace UmhActors.Tests.Hosting;

/// <summary>A pool registered with its configuration section takes its size and routing from the
/// section's <c>Pool</c> block and its helpers' options from the rest; a wrong or missing entry fails the
/// start naming the key.</summary>
public sealed class HelperPoolConfigurationTests
{
    private const string Section = "Helpers:Shouters";

    private sealed class Pool;

    [Fact]
    public async Task Pool_takes_its_size_and_routing_from_its_section()
    {
        using var host = BuildHost(("Pool:Size", "3"), ("Pool:Routing", "round-robin"), ("RequestTimeout", "00:00:00.300"));
        await host.StartAsync().WaitAsync(Patience);
        try
        {
            var pool = await host.Services.GetRequiredService<IRequiredActor<Pool>>().GetAsync().WaitAsync(Patience);
            var pids = await HelperPoolProbe.ReadyPidsAsync(pool, 3);
            var client = new HelperClient(pool, Patience);

            var answers = new List<int>();
            for (var i = 0; i < 6; i++) answers.Add(await client.CallAsync<int[], int>("pid", []).WaitAsync(Patience));

            // Round-robin: every helper twice.
            Assert.Equal(pids.Order(), answers.Distinct().Order());
            Assert.All(answers.GroupBy(pid => pid), group => Assert.Equal(2, group.Count()));
            // The rest of the section reaches every helper: its 300 ms request timeout.
            await Assert.ThrowsAsync<HelperTimeoutException>(() => client.CallAsync<int[], int>("sleep", [10_000]).WaitAsync(Patience));
        }
        finally
        {
            await host.StopAsync().WaitAsync(Patience);
        }
    }

    [Fact]
    public async Task Consistent_hash_routing_from_the_section_sends_one_key_to_one_helper()
    {
        using var host = BuildHost(("Pool:Size", "3"), ("Pool:Routing", "ConsistentHash"));
        await host.StartAsync().WaitAsync(Patience);
        try
        {
            var pool = await host.Services.GetRequiredService<IRequiredActor<Pool>>().GetAsync().WaitAsync(Patience);
            await HelperPoolProbe.ReadyPidsAsync(pool, 3);
            var client = new HelperClient(pool, Patience);

            // Round-robin (the default) would answer from three helpers.
            var answers = new HashSet<int>();
            for (var i = 0; i < 6; i++)
                answers.Add((await client.SendAsync(HelperRequest.WithoutParams("pid") with { RoutingKey = "tenant-1" }).WaitAsync(Patience)).GetResult<int>());
            Assert.Single(answers);
        }
        finally
        {
            await host.StopAsync().WaitAsync(Patience);
        }
    }

    [Theory]
    [InlineData("Pool:Size", "0", "Pool:Size")]
    [InlineData("Pool:Size", "eight", "Pool:Size")]
    [InlineData("Pool:Routing", "Random", "Pool:Routing")]
    [InlineData("Pool:Sise", "4", "Pool:Sise")]
    [InlineData("Pool:Routing", "RoundRobin", "Pool:Size")]
    [InlineData("MaxInFlight", "4", "Pool:Size")]
    [InlineData("Supervision:Crashed:Within", "soon", "Supervision:Crashed:Within")]
    public async Task Wrong_or_missing_pool_entry_fails_the_start_naming_the_key(string key, string value, string named)
    {
        using var host = BuildHost((key, value));

        var failure = await Record.ExceptionAsync(() => host.StartAsync().WaitAsync(Patience));

        var error = Assert.IsType<HelperConfigurationException>(ConfiguredSupervisionTests.Find<HelperConfigurationException>(failure));
        Assert.Equal($"{Section}:{named}", error.Key);
    }

    [Fact]
    public void A_single_helpers_section_has_no_pool_block()
    {
        var section = new ConfigurationBuilder().AddInMemoryCollection([new($"{Section}:Pool:Size", "2")]).Build().GetSection(Section);

        var error = Assert.Throws<HelperConfigurationException>(() => HelperOptionsConfiguration.Bind(section));

        Assert.Equal($"{Section}:Pool", error.Key);
    }

    private static IHost BuildHost(params (string Key, string Value)[] values)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>($"{Section}:{v.Key}", v.Value)));
        builder.Services.AddAkka("configured-pool", (b, sp) => b.WithUmhActors()
            .WithHelperPool<Pool>("shouters", TestHelperBlob.Instance, sp.GetRequiredService<IConfiguration>().GetSection(Section)));
        return builder.Build();
    }
}
