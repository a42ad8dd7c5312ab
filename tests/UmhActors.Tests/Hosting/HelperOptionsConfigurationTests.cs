using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using UmhActors.Helpers;
using UmhActors.Hosting;
using UmhActors.Requests;
using UmhActors.Tests.Shared;
using UmhActors.Tests.Support;
using static UmhActors.Tests.Hosting.HostedHelperProbe;

namespace UmhActors.Tests.Hosting;

/// <summary>Helper options from IConfiguration: every key reaches its option; a typo or an impossible
/// value fails the start, naming the key.</summary>
public sealed class HelperOptionsConfigurationTests
{
    private const string Section = "UmhActors:Helpers:shouter";

    private sealed class Sleeper;

    private static IConfigurationSection Configure(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>($"{Section}:{v.Key}", v.Value)))
            .Build()
            .GetSection(Section);

    [Fact]
    public void Every_key_reaches_its_option()
    {
        var options = HelperOptionsConfiguration.Bind(Configure(
            ("RequestTimeout", "00:00:05"), ("StartupTimeout", "00:00:07"), ("StopGracePeriod", "00:00:00.500"),
            ("maxinflight", "64"), ("MaxQueued", "0"), ("MemoryLimitBytes", "3221225472"),
            ("Watchdog:Interval", "00:00:01"), ("Watchdog:Timeout", "00:00:03")));

        Assert.Equal(TimeSpan.FromSeconds(5), options.RequestTimeout);
        Assert.Equal(TimeSpan.FromSeconds(7), options.StartupTimeout);
        Assert.Equal(TimeSpan.FromMilliseconds(500), options.StopGracePeriod);
        Assert.Equal((64, 0), (options.MaxInFlight, options.MaxQueued));
        Assert.Equal(3L << 30, options.Launch.MemoryLimitBytes);
        Assert.Equal(new WatchdogOptions(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(3)), options.Watchdog);
    }

    [Fact]
    public void Keys_left_out_keep_the_base_options_and_Infinite_means_no_timeout()
    {
        var baseOptions = HelperOptions.Default.WithBounds(8, 16);
        var options = HelperOptionsConfiguration.Bind(Configure(("RequestTimeout", "Infinite")), baseOptions);

        Assert.Equal(Timeout.InfiniteTimeSpan, options.RequestTimeout);
        Assert.Equal((8, 16), (options.MaxInFlight, options.MaxQueued));
        Assert.Null(options.Watchdog);
    }

    [Theory]
    [InlineData("RequestTimeot", "00:00:05", "RequestTimeot")]
    [InlineData("RequestTimeout", "5", "RequestTimeout")]
    [InlineData("RequestTimeout", "00:00:00", "RequestTimeout")]
    [InlineData("StartupTimeout", "soon", "StartupTimeout")]
    [InlineData("MaxInFlight", "0", "MaxInFlight")]
    [InlineData("MaxQueued", "many", "MaxQueued")]
    [InlineData("MemoryLimitBytes", "-1", "MemoryLimitBytes")]
    [InlineData("Watchdog:Timeout", "00:00:03", "Watchdog:Interval")]
    [InlineData("Watchdog:Every", "00:00:01", "Watchdog:Every")]
    public void Unknown_key_or_impossible_value_is_refused_naming_the_key(string key, string value, string named)
    {
        var error = Assert.Throws<HelperConfigurationException>(() => HelperOptionsConfiguration.Bind(Configure((key, value))));

        Assert.Equal($"{Section}:{named}", error.Key);
        Assert.Contains($"{Section}:{named}", error.Message);
    }

    [Fact]
    public async Task Host_start_fails_naming_the_key_when_a_helpers_section_is_wrong()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection([new($"{Section}:MaxInFlight", "none")]);
        builder.Services.AddAkka("bad-config", (b, sp) => b.WithUmhActors().WithHelper<Sleeper>("shouter", TestHelperBlob.Instance,
            HelperOptionsConfiguration.Bind(sp.GetRequiredService<IConfiguration>().GetSection(Section))));
        using var host = builder.Build();

        var failure = await Record.ExceptionAsync(() => host.StartAsync().WaitAsync(Patience));

        var error = Assert.IsType<HelperConfigurationException>(Innermost<HelperConfigurationException>(failure));
        Assert.Equal($"{Section}:MaxInFlight", error.Key);
    }

    [Fact]
    public async Task Helper_runs_with_the_request_timeout_of_its_section()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection([new($"{Section}:RequestTimeout", "00:00:00.300")]);
        builder.Services.AddAkka("good-config", (b, sp) => b.WithUmhActors().WithHelper<Sleeper>("shouter", TestHelperBlob.Instance,
            HelperOptionsConfiguration.Bind(sp.GetRequiredService<IConfiguration>().GetSection(Section))));
        using var host = builder.Build();
        await host.StartAsync().WaitAsync(Patience);
        try
        {
            var helper = await host.Services.GetRequiredService<IRequiredActor<Sleeper>>().GetAsync().WaitAsync(Patience);
            var client = new HelperClient(helper, askTimeout: Patience);
            // Requests wait for the launch within their own timeout: wait for the hello first.
            Assert.True(await HostCensus.EventuallyAsync(() => helper.Ask<HelperStatus>(GetHelperStatus.Instance, Patience).Result.Ready, Patience));
            Assert.Equal(10, await client.CallAsync<int[], int>("sleep", [10]).WaitAsync(Patience));
            // The default (30 s) would let this sleep finish; the section's 300 ms does not.
            await Assert.ThrowsAsync<HelperTimeoutException>(() => client.CallAsync<int[], int>("sleep", [10_000]).WaitAsync(Patience));
        }
        finally
        {
            await host.StopAsync().WaitAsync(Patience);
        }
    }

    private static Exception? Innermost<T>(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is T) return e;
            if (e is AggregateException aggregate && aggregate.InnerExceptions.Select(Innermost<T>).FirstOrDefault(x => x is not null) is { } found) return found;
        }
        return null;
    }
}
