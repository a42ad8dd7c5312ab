using Microsoft.Extensions.Configuration;
using UmhActors.Helpers;
using UmhActors.Hosting;

namespace UmhActors.Tests.Interop;

/// <summary>Configuration over plain msgpack-rpc base options: a watchdog there fails the start
/// as a configuration error naming the key, like any impossible value.</summary>
public sealed class PlainMsgpackRpcConfigurationTests
{
    [Fact]
    public void A_configured_watchdog_on_plain_base_options_is_a_configuration_error_naming_the_key()
    {
        var section = new ConfigurationBuilder()
            .AddInMemoryCollection([
                new("UmhActors:Helpers:plain:Watchdog:Interval", "00:00:01"),
                new("UmhActors:Helpers:plain:Watchdog:Timeout", "00:00:03"),
            ])
            .Build()
            .GetSection("UmhActors:Helpers:plain");
        var error = Assert.Throws<HelperConfigurationException>(() =>
            HelperOptionsConfiguration.Bind(section, HelperOptions.Default.WithPlainMsgpackRpc()));
        Assert.Contains("UmhActors:Helpers:plain:Watchdog", error.Message);
        Assert.Contains("$/ping", error.Message);
    }
}
