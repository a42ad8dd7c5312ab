using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace UmhActors.Tests.Hosting;

/// <summary>
/// Akka.Hosting.TestKit's pattern for a test class: override <see cref="ConfigureAkka"/>, and each
/// test gets a started Generic Host with that ActorSystem (<see cref="Sys"/>, <see cref="Services"/>),
/// stopped after the test.
/// </summary>
/// <remarks>Akka.Hosting.TestKit (1.5.73) itself is built on xUnit v3 and cannot share a test project
/// with xUnit 2 (both define <c>FactAttribute</c>), so this is the same shape without it; the tests
/// written with the TestKit itself are in <c>tests/UmhActors.Hosting.Tests</c>.</remarks>
public abstract class HostingSpec : IAsyncLifetime
{
    private IHost? _host;

    /// <summary>The app's services.</summary>
    protected IServiceProvider Services => _host?.Services ?? throw new InvalidOperationException("the host has not started");

    /// <summary>The host's ActorSystem.</summary>
    protected ActorSystem Sys => Services.GetRequiredService<ActorSystem>();

    /// <summary>The Akka.Hosting configuration under test.</summary>
    protected abstract void ConfigureAkka(AkkaConfigurationBuilder builder, IServiceProvider provider);

    /// <summary>Services the app adds besides Akka (none by default).</summary>
    protected virtual void ConfigureServices(IServiceCollection services)
    {
    }

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        _host = HostedHelperProbe.BuildHost(services =>
        {
            ConfigureServices(services);
            services.AddAkka(GetType().Name, ConfigureAkka);
        });
        await _host.StartAsync().WaitAsync(HostedHelperProbe.Patience);
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (_host is null) return;
        await _host.StopAsync().WaitAsync(HostedHelperProbe.Patience);
        _host.Dispose();
    }
}
