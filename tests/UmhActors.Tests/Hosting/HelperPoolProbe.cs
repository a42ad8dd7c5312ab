using Akka.Actor;
using UmhActors.Helpers;
using UmhActors.Hosting;
using UmhActors.Tests.Shared;

namespace UmhActors.Tests.Hosting;

/// <summary>What the pool tests share: a pool's routees and the pids of their helpers, read from the actors themselves.</summary>
internal static class HelperPoolProbe
{
    public static Task<HelperPoolRoutees> RouteesAsync(IActorRef pool) =>
        pool.Ask<HelperPoolRoutees>(GetHelperPoolRoutees.Instance, HostedHelperProbe.Patience);

    public static Task<HelperStatus> StatusAsync(IActorRef routee) =>
        routee.Ask<HelperStatus>(GetHelperStatus.Instance, HostedHelperProbe.Patience);

    /// <summary>The pids of the pool's active helpers, once every one of them is ready.</summary>
    public static async Task<int[]> ReadyPidsAsync(IActorRef pool, int expected)
    {
        var deadline = DateTime.UtcNow + HostedHelperProbe.Patience;
        while (true)
        {
            var routees = await RouteesAsync(pool);
            var statuses = await Task.WhenAll(routees.Active.Select(StatusAsync));
            if (statuses.Length == expected && statuses.All(s => s.Ready && s.Pid > 0)) return [.. statuses.Select(s => s.Pid)];
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"the pool has {statuses.Length} helpers, {statuses.Count(s => s.Ready)} ready; expected {expected} ready");
            await Task.Delay(20);
        }
    }

    public static Task<bool> ProcessesGoneAsync(IEnumerable<int> pids) =>
        HostCensus.EventuallyAsync(() => pids.All(pid => HostCensus.ReadStat($"/proc/{pid}") is null), HostedHelperProbe.Patience);
}
