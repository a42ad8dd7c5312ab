using Akka.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using UmhActors.Hosting.Tests.Support;

namespace UmhActors.Hosting.Tests;

/// <summary>A wrong helper section fails the host's start, naming the full key.</summary>
public sealed class InvalidConfigurationTests
{
    private sealed class Resizer;

    [Theory]
    [InlineData("Helpers:Resizer:Supervision:Crashed:MaxRestarts", "lots")]
    [InlineData("Helpers:Resizer:Supervision:Segfault:Directive", "Stop")]
    [InlineData("Helpers:Resizer:Pool:Size", "0")]
    public async Task Wrong_entry_fails_the_start_naming_the_full_key(string key, string value)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection([new(key, value)]);
        var pool = key.Contains(":Pool:");
        builder.Services.AddAkka("invalid-config", (b, sp) =>
        {
            var section = sp.GetRequiredService<IConfiguration>().GetSection("Helpers:Resizer");
            b.WithUmhActors();
            if (pool) b.WithHelperPool<Resizer>("resizers", TestHelperBlob.Instance, section);
            else b.WithHelper<Resizer>("resizer", TestHelperBlob.Instance, section);
        });
        using var host = builder.Build();

        var failure = await Record.ExceptionAsync(() => host.StartAsync().WaitAsync(HelperTestKit.Patience));

        var error = Assert.IsType<HelperConfigurationException>(Find(failure));
        // An unknown kind is named by its own key; a wrong value by the value's.
        Assert.Equal(key.Contains("Segfault") ? "Helpers:Resizer:Supervision:Segfault" : key, error.Key);
        Assert.Contains(error.Key, error.Message);
    }

    private static Exception? Find(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is HelperConfigurationException) return e;
            if (e is AggregateException aggregate && aggregate.InnerExceptions.Select(Find).FirstOrDefault(x => x is not null) is { } found) return found;
        }
        return null;
    }
}
