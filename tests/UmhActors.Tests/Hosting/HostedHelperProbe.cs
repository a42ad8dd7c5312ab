using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using UmhActors.Native.Cgroups;
using UmhActors.Tests.Shared;

namespace UmhActors.Tests.Hosting;

/// <summary>What the hosting tests share: a real Generic Host around an Akka.Hosting set-up, and
/// the kernel's view of a helper (its process, its cgroup).</summary>
internal static class HostedHelperProbe
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    /// <summary>A Generic Host (the app's builder, console logging off) with <paramref name="configure"/>
    /// applied to its services.</summary>
    public static IHost BuildHost(Action<IServiceCollection> configure)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        configure(builder.Services);
        return builder.Build();
    }

    /// <summary>Whether the helper is gone for good: no process, not even a zombie left to reap.</summary>
    public static Task<bool> ProcessGoneAsync(int pid) =>
        HostCensus.EventuallyAsync(() => HostCensus.ReadStat($"/proc/{pid}") is null, Patience);

    /// <summary>The helper's own cgroup directory (umh-…) in the memory hierarchy (v1) or the unified one (v2).</summary>
    public static string HelperCgroupDirectory(int pid)
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
