using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using UmhActors.Helpers;
using UmhActors.Tests.Shared;

namespace UmhActors.Hosting.Tests.Support;

/// <summary>
/// Akka.Hosting.TestKit's host for the helper tests: a real Generic Host per test with the
/// ActorSystem <see cref="Akka.Hosting.TestKit.TestKit.ConfigureAkka"/> builds, configuration from
/// <see cref="Settings"/> (appsettings-style keys) and the real NativeAOT test helper.
/// </summary>
public abstract class HelperTestKit(ITestOutputHelper output) : Akka.Hosting.TestKit.TestKit(output: output, logLevel: LogLevel.Warning)
{
    /// <summary>How long a test waits for any one condition (the machine is shared and slow).</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    /// <summary>The configuration the app reads (<c>Helpers:NAME:…</c>), none by default.</summary>
    protected virtual IEnumerable<KeyValuePair<string, string?>> Settings => [];

    /// <inheritdoc />
    protected override void ConfigureAppConfiguration(HostBuilderContext context, IConfigurationBuilder builder) =>
        builder.AddInMemoryCollection(Settings);

    /// <summary>The pid of <paramref name="helper"/>'s process once it is ready.</summary>
    protected static async Task<int> ReadyPidAsync(IActorRef helper)
    {
        HelperStatus? status = null;
        Assert.True(await HostCensus.EventuallyAsync(() => (status = helper.Ask<HelperStatus>(GetHelperStatus.Instance, Patience).Result).Ready, Patience),
            "the helper never became ready");
        return status!.Pid;
    }
}
