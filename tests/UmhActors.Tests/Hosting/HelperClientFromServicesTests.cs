using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using UmhActors.Hosting;
using UmhActors.Requests;
using UmhActors.Tests.Support;
using static UmhActors.Tests.Hosting.HostedHelperProbe;

namespace UmhActors.Tests.Hosting;

/// <summary><c>HelperClient&lt;TKey&gt;</c> taken from DI by an app's own service: calls without an
/// IActorRef in sight, with the helper's typed failures.</summary>
public sealed class HelperClientFromServicesTests
{
    private sealed class Calculator;

    /// <summary>What a controller or hosted service looks like: it only knows the typed client.</summary>
    private sealed class SumService(HelperClient<Calculator> helper)
    {
        public Task<int> SumAsync(int a, int b) => helper.CallAsync<int[], int>("add", [a, b]);

        public Task<int> FailAsync() => helper.CallAsync<string[], int>("fail", ["refused by the test"]);
    }

    [Fact]
    public async Task Service_calls_the_helper_through_HelperClient_of_its_key_from_DI()
    {
        using var host = BuildHost(services => services
            .AddHelperClient<Calculator>()
            .AddSingleton<SumService>()
            .AddAkka("typed-client", b => b.WithUmhActors().WithHelper<Calculator>("calculator", TestHelperBlob.Instance)));
        await host.StartAsync().WaitAsync(Patience);
        try
        {
            var service = host.Services.GetRequiredService<SumService>();
            Assert.Equal(42, await service.SumAsync(20, 22).WaitAsync(Patience));
            await Assert.ThrowsAsync<HelperErrorException>(() => service.FailAsync().WaitAsync(Patience));
            var client = host.Services.GetRequiredService<HelperClient<Calculator>>();
            Assert.Same(client, host.Services.GetRequiredService<HelperClient<Calculator>>());
            Assert.Equal(await host.Services.GetRequiredService<IRequiredActor<Calculator>>().GetAsync(), (await client.GetClientAsync()).Helper);
        }
        finally
        {
            await host.StopAsync().WaitAsync(Patience);
        }
    }
}
