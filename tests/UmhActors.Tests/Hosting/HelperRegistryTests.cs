using System.Diagnostics;
using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using UmhActors.Helpers;
using UmhActors.Hosting;
using UmhActors.Tests.Support;
using static UmhActors.Tests.Hosting.HostedHelperProbe;

namespace UmhActors.Tests.Hosting;

/// <summary>In the Akka.Hosting.TestKit style (<see cref="HostingSpec"/>): the helper registered with <c>WithHelper</c> is what the
/// ActorRegistry returns for its key, and it runs under the app's <c>umh.supervision</c> HOCON.</summary>
public sealed class HelperRegistryTests : HostingSpec
{
    private sealed class Echo;

    protected override void ConfigureAkka(AkkaConfigurationBuilder builder, IServiceProvider provider) => builder
        // The app's HOCON wins over the default table WithUmhActors adds: an admin's kill restarts.
        .AddHocon("umh.supervision.killed { directive = restart, min-backoff = 10ms }", HoconAddMode.Prepend)
        .WithUmhActors()
        .WithHelper<Echo>("echo", TestHelperBlob.Instance);

    [Fact]
    public async Task ActorRegistry_returns_the_registered_helper_for_its_key()
    {
        var registered = ActorRegistry.For(Sys).Get<Echo>();
        Assert.Equal("/user/echo", registered.Path.ToStringWithoutAddress());
        Assert.Equal(registered, await ActorRegistry.For(Sys).GetAsync<Echo>());
        Assert.Equal(registered, Services.GetRequiredService<IRequiredActor<Echo>>().ActorRef);
        Assert.Equal(7, await new HelperClient(registered).CallAsync<int[], int>("add", [3, 4]).WaitAsync(Patience));
    }

    [Fact]
    public async Task Registered_helper_follows_the_supervision_table_from_the_apps_HOCON()
    {
        Assert.Equal("restart", Sys.Settings.Config.GetString("umh.supervision.killed.directive"));
        Assert.Equal("stop", Sys.Settings.Config.GetString("umh.supervision.exited.directive"));
        var helper = ActorRegistry.For(Sys).Get<Echo>();
        var client = new HelperClient(helper);
        var first = await client.CallAsync<int[], int>("pid", []).WaitAsync(Patience);

        // An admin's SIGTERM: the default table stops the actor; this app's table restarts the helper.
        using (var kill = Process.Start("/bin/kill", ["-TERM", first.ToString()])) await kill.WaitForExitAsync();
        var second = await AwaitNewPidAsync(client, first);

        Assert.NotEqual(first, second);
        Assert.True(await ProcessGoneAsync(first));
    }

    private static async Task<int> AwaitNewPidAsync(HelperClient client, int old)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                var pid = await client.CallAsync<int[], int>("pid", []).WaitAsync(Patience);
                if (pid != old) return pid;
            }
            catch (Failures.HelperFailureException)
            {
                // The request that met the death; the next one goes to the replacement.
            }
            await Task.Delay(20);
        }
        throw new TimeoutException($"helper {old} was not replaced");
    }
}
