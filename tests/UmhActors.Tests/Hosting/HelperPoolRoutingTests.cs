using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using UmhActors.Hosting;
using UmhActors.Tests.Support;
using static UmhActors.Tests.Hosting.HostedHelperProbe;

namespace UmhActors.Tests.Hosting;

/// <summary>A round-robin pool registered with <c>WithHelperPool</c> spreads requests over all its helpers,
/// and <see cref="HelperClient{TKey}"/> works against it as against one helper.</summary>
public sealed class HelperPoolRoutingTests : HostingSpec
{
    private sealed class Pool;

    protected override void ConfigureServices(IServiceCollection services) => services.AddHelperClient<Pool>();

    protected override void ConfigureAkka(AkkaConfigurationBuilder builder, IServiceProvider provider) => builder
        .WithUmhActors()
        .WithHelperPool<Pool>("pool", TestHelperBlob.Instance, 4);

    [Fact]
    public async Task Round_robin_pool_spreads_requests_evenly_over_its_helpers()
    {
        var pool = ActorRegistry.For(Sys).Get<Pool>();
        Assert.Equal("/user/pool", pool.Path.ToStringWithoutAddress());
        var pids = await HelperPoolProbe.ReadyPidsAsync(pool, 4);
        Assert.Equal(4, pids.Distinct().Count());

        var client = Services.GetRequiredService<HelperClient<Pool>>();
        var answers = new List<int>();
        for (var i = 0; i < 12; i++) answers.Add(await client.CallAsync<int[], int>("pid", []).WaitAsync(Patience));

        // Every helper answered, each exactly three times.
        Assert.Equal(pids.Order(), answers.Distinct().Order());
        Assert.All(answers.GroupBy(pid => pid), group => Assert.Equal(3, group.Count()));
    }
}
