using Microsoft.Extensions.Configuration;
using UmhActors.Helpers;
using UmhActors.Hosting;

namespace UmhActors.Tests.Hosting;

/// <summary><see cref="HelperOptions.IdleTimeout"/> (the idle passivation of sharded helpers) from
/// IConfiguration and through its <c>With…</c>.</summary>
public sealed class IdleTimeoutConfigurationTests
{
    private const string Section = "UmhActors:Helpers:shouter";

    private static IConfigurationSection Configure(string value) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection([new KeyValuePair<string, string?>($"{Section}:IdleTimeout", value)])
            .Build()
            .GetSection(Section);

    [Fact]
    public void IdleTimeout_key_reaches_the_option_and_Infinite_means_never()
    {
        Assert.Equal(TimeSpan.FromMinutes(5), HelperOptionsConfiguration.Bind(Configure("00:05:00")).IdleTimeout);
        Assert.Equal(Timeout.InfiniteTimeSpan, HelperOptionsConfiguration.Bind(Configure("infinite")).IdleTimeout);
        Assert.Null(HelperOptions.Default.IdleTimeout);
    }

    [Theory]
    [InlineData("00:00:00")]
    [InlineData("-00:00:01")]
    [InlineData("5")]
    public void Impossible_IdleTimeout_is_refused_naming_the_key(string value)
    {
        var error = Assert.Throws<HelperConfigurationException>(() => HelperOptionsConfiguration.Bind(Configure(value)));
        Assert.Contains($"{Section}:IdleTimeout", error.Message);
    }

    [Fact]
    public void WithIdleTimeout_takes_positive_Infinite_or_null_and_refuses_the_rest()
    {
        Assert.Equal(TimeSpan.FromSeconds(3), HelperOptions.Default.WithIdleTimeout(TimeSpan.FromSeconds(3)).IdleTimeout);
        Assert.Equal(Timeout.InfiniteTimeSpan, HelperOptions.Default.WithIdleTimeout(Timeout.InfiniteTimeSpan).IdleTimeout);
        Assert.Null(HelperOptions.Default.WithIdleTimeout(TimeSpan.FromSeconds(3)).WithIdleTimeout(null).IdleTimeout);
        Assert.Throws<ArgumentOutOfRangeException>(() => HelperOptions.Default.WithIdleTimeout(TimeSpan.Zero));
        Assert.Throws<ArgumentOutOfRangeException>(() => HelperOptions.Default.WithIdleTimeout(TimeSpan.FromSeconds(-2)));
    }
}
