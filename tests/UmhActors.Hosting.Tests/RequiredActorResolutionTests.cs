using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using UmhActors.Hosting.Tests.Support;

namespace UmhActors.Hosting.Tests;

/// <summary>A helper registered with <c>WithHelper&lt;TKey&gt;</c> resolves as <c>IRequiredActor&lt;TKey&gt;</c>,
/// from the registry, and as a <see cref="HelperClient{TKey}"/>, and answers.</summary>
public sealed class RequiredActorResolutionTests(ITestOutputHelper output) : HelperTestKit(output)
{
    private sealed class Adder;

    protected override void ConfigureServices(Microsoft.Extensions.Hosting.HostBuilderContext context, IServiceCollection services) =>
        services.AddHelperClient<Adder>(Patience);

    protected override void ConfigureAkka(AkkaConfigurationBuilder builder, IServiceProvider provider) => builder
        .WithUmhActors()
        .WithHelper<Adder>("adder", TestHelperBlob.Instance);

    [Fact]
    public async Task Required_actor_registry_and_typed_client_reach_the_same_helper()
    {
        var required = await Host.Services.GetRequiredService<IRequiredActor<Adder>>().GetAsync(TestContext.Current.CancellationToken);
        var registered = await ActorRegistry.GetAsync<Adder>(TestContext.Current.CancellationToken);

        Assert.Same(registered, required);
        Assert.Equal("/user/adder", required.Path.ToStringWithoutAddress());
        var client = Host.Services.GetRequiredService<HelperClient<Adder>>();
        Assert.Equal(42, await client.CallAsync<int[], int>("add", [40, 2]).WaitAsync(Patience));
        Assert.Equal(await ReadyPidAsync(required), await client.CallAsync<int[], int>("pid", []).WaitAsync(Patience));
    }
}
