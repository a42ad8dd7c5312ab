using Akka.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using UmhActors.Hosting.Tests.Support;
using UmhActors.Native.Cgroups;
using UmhActors.Tests.Shared;

namespace UmhActors.Hosting.Tests;

/// <summary>Stopping the TestKit's host stops every hosted helper and pool: no helper process and no
/// helper cgroup is left.</summary>
public sealed class HostShutdownTests(ITestOutputHelper output) : HelperTestKit(output)
{
    private sealed class Single;

    private sealed class Pool;

    // A memory limit puts each helper in a cgroup of its own.
    protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
    [
        new("Helpers:Single:MemoryLimitBytes", "268435456"),
        new("Helpers:Pool:MemoryLimitBytes", "268435456"), new("Helpers:Pool:Pool:Size", "2"),
    ];

    protected override void ConfigureAkka(AkkaConfigurationBuilder builder, IServiceProvider provider)
    {
        var helpers = provider.GetRequiredService<IConfiguration>().GetSection("Helpers");
        builder.WithUmhActors()
            .WithHelper<Single>("single", TestHelperBlob.Instance, helpers.GetSection("Single"))
            .WithHelperPool<Pool>("pool", TestHelperBlob.Instance, helpers.GetSection("Pool"));
    }

    [Fact]
    public async Task Host_stop_leaves_no_helper_process_or_cgroup()
    {
        Assert.SkipUnless(CgroupSupport.Current.IsAvailable, "no usable cgroups on this machine: " + CgroupSupport.Current.Reason);
        var pids = new List<int> { await ReadyPidAsync(await ActorRegistry.GetAsync<Single>()) };
        var pool = await ActorRegistry.GetAsync<Pool>();
        var routees = await pool.Ask<HelperPoolRoutees>(GetHelperPoolRoutees.Instance, Patience);
        foreach (var routee in routees.Active) pids.Add(await ReadyPidAsync(routee));
        var cgroups = pids.Select(HelperCgroupDirectory).ToArray();
        Assert.All(cgroups, dir => Assert.True(Directory.Exists(dir), dir));

        await Host.StopAsync().WaitAsync(Patience);

        Assert.True(await HostCensus.EventuallyAsync(() => pids.All(pid => HostCensus.ReadStat($"/proc/{pid}") is null), Patience),
            "a helper process outlived the host");
        Assert.True(await HostCensus.EventuallyAsync(() => cgroups.All(dir => !Directory.Exists(dir)), Patience), "a helper cgroup outlived the host");
    }

    // The helper's own cgroup directory (umh-…) in the memory hierarchy (v1) or the unified one (v2).
    private static string HelperCgroupDirectory(int pid)
    {
        var support = CgroupSupport.Current;
        foreach (var line in File.ReadAllLines($"/proc/{pid}/cgroup"))
        {
            var parts = line.Split(':', 3);
            var name = Path.GetFileName(parts[2]);
            if (!name.StartsWith("umh-", StringComparison.Ordinal)) continue;
            if (support.Backend == CgroupBackend.V2 ? parts[0] == "0" : parts[1].Split(',').Contains("memory"))
                return Path.Combine(support.HostDirectories[0], name);
        }
        throw new InvalidOperationException($"helper {pid} is in no umh- memory cgroup");
    }
}
