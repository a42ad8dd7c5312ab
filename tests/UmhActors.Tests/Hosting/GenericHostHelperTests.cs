using Akka;
using Akka.Actor;
using Akka.Hosting;
using UmhActors.Guardian;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using UmhActors.Helpers;
using UmhActors.Hosting;
using UmhActors.Native.Launch;
using UmhActors.Tests.Shared;
using UmhActors.Tests.Support;
using static UmhActors.Tests.Hosting.HostedHelperProbe;

namespace UmhActors.Tests.Hosting;

/// <summary>A helper registered with <c>WithHelper</c> in a real Generic Host: found through DI,
/// answering, and gone with its cgroup once the host stops.</summary>
public sealed class GenericHostHelperTests
{
    private sealed class Adder;

    [RealCgroupFact]
    public async Task Helper_from_IRequiredActor_answers_and_stopping_the_host_leaves_no_process_or_cgroup()
    {
        var options = HelperOptions.Default.WithLaunch(LaunchOptions.Default.WithMemoryLimit(256L << 20));
        using var host = BuildHost(services =>
            services.AddAkka("generic-host", b => b.WithUmhActors().WithHelper<Adder>("adder", TestHelperBlob.Instance, options)));
        await host.StartAsync().WaitAsync(Patience);
        int pid;
        string cgroup;
        try
        {
            var required = host.Services.GetRequiredService<IRequiredActor<Adder>>();
            var actor = await required.GetAsync().WaitAsync(Patience);
            Assert.Equal("/user/adder", actor.Path.ToStringWithoutAddress());
            var client = new HelperClient(actor);
            Assert.Equal(5, await client.CallAsync<int[], int>("add", [2, 3]).WaitAsync(Patience));
            pid = await client.CallAsync<int[], int>("pid", []).WaitAsync(Patience);
            cgroup = HelperCgroupDirectory(pid);
            Assert.True(Directory.Exists(cgroup));
        }
        finally
        {
            await host.StopAsync().WaitAsync(Patience);
        }

        Assert.True(await ProcessGoneAsync(pid), $"helper {pid} outlived the host");
        Assert.True(await HostCensus.EventuallyAsync(() => !Directory.Exists(cgroup), Patience), $"{cgroup} outlived the host");
    }

    [Fact]
    public void An_invalid_actor_name_is_refused_where_the_helper_is_registered()
    {
        var builder = new AkkaConfigurationBuilder(new ServiceCollection(), "names");
        var error = Assert.Throws<ArgumentException>(() => builder.WithHelper<Adder>("not/valid", TestHelperBlob.Instance));
        Assert.Contains("not/valid", error.Message);
    }

    [Fact]
    public async Task Shutdown_disables_launches_and_stops_hosted_helpers_before_the_ActorSystem_terminates()
    {
        var seen = new TaskCompletionSource<(GuardianState State, bool HelperAlive)>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var host = BuildHost(services => services.AddAkka("ordered-shutdown", b => b
            .WithUmhActors()
            .WithHelper<Adder>("adder", TestHelperBlob.Instance)
            .AddStartup((system, registry) =>
                // What the system looks like once the service phases are over, before it terminates.
                CoordinatedShutdown.Get(system).AddTask(CoordinatedShutdown.PhaseBeforeActorSystemTerminate, "probe", async () =>
                {
                    var state = (await UmhGuardian.Get(system).GetStatusAsync()).State;
                    var identity = await registry.Get<Adder>().Ask<ActorIdentity>(new Identify(null), Patience);
                    seen.SetResult((state, identity.Subject is not null));
                    return Done.Instance;
                }))));
        await host.StartAsync().WaitAsync(Patience);
        var actor = await host.Services.GetRequiredService<IRequiredActor<Adder>>().GetAsync().WaitAsync(Patience);
        var pid = await new HelperClient(actor).CallAsync<int[], int>("pid", []).WaitAsync(Patience);

        await host.StopAsync().WaitAsync(Patience);

        Assert.Equal((GuardianState.Disabled, false), await seen.Task.WaitAsync(Patience));
        Assert.True(await ProcessGoneAsync(pid), $"helper {pid} outlived the host");
    }
}
