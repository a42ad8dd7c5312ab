using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using UmhActors.Hosting;

namespace UmhActors.Tests.Hosting;

/// <summary><c>WithUmhActors</c> refuses impossible options where they are given.</summary>
public sealed class UmhActorsOptionsTests
{
    [Fact]
    public void A_stop_timeout_that_is_not_positive_is_refused_naming_the_option()
    {
        var builder = new AkkaConfigurationBuilder(new ServiceCollection(), "options");

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => builder.WithUmhActors(o => o.StopHelpersTimeout = TimeSpan.Zero));

        Assert.Contains(nameof(UmhActorsOptions.StopHelpersTimeout), error.Message);
    }
}
