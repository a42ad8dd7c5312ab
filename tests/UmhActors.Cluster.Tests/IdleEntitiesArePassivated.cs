using UmhActors.Cluster.Tests.Support;
using UmhActors.ClusterTesting;
using UmhActors.Tests.Shared;

namespace UmhActors.Cluster.Tests;

public sealed class IdleEntitiesArePassivated
{
    [Fact]
    public async Task An_idle_entity_stops_its_helper_after_the_idle_timeout_and_the_next_request_starts_a_new_one()
    {
        await using var cluster = await TestCluster.StartAsync(1, ClusterTestNode.DefaultOptions.WithIdleTimeout(TimeSpan.FromSeconds(1)));
        var node = cluster.Nodes[0];
        var pid = await Echo.PidAsync(node.Region, "idle-1");
        Assert.Contains("idle-1", await node.EntityIdsAsync());

        Assert.True(await HostCensus.EventuallyAsync(() => !HostCensus.IsRunning(pid), TimeSpan.FromSeconds(15)), "the idle helper was not stopped");
        Assert.DoesNotContain("idle-1", await node.EntityIdsAsync());

        var next = await Echo.PidAsync(node.Region, "idle-1");
        Assert.NotEqual(pid, next);
        Assert.True(HostCensus.IsRunning(next));

        await cluster.StopAndAssertNoHelperLeftAsync();
    }

    [Fact]
    public async Task A_busy_entity_is_not_passivated()
    {
        // 2 s of idleness against a request every 200 ms: a loaded CI machine once stretched one round
        // trip and its delay past a 1 s timeout, so the window leaves room for that.
        var idle = TimeSpan.FromSeconds(2);
        await using var cluster = await TestCluster.StartAsync(1, ClusterTestNode.DefaultOptions.WithIdleTimeout(idle));
        var node = cluster.Nodes[0];
        var pid = await Echo.PidAsync(node.Region, "busy-1");

        // Requests every 200 ms for three idle timeouts: the same helper answers all of them.
        var longestGap = TimeSpan.Zero;
        var last = System.Diagnostics.Stopwatch.GetTimestamp();
        for (var i = 0; i < 30; i++)
        {
            var answeredBy = await Echo.PidAsync(node.Region, "busy-1");
            var gap = System.Diagnostics.Stopwatch.GetElapsedTime(last);
            if (gap > longestGap) longestGap = gap;
            last = System.Diagnostics.Stopwatch.GetTimestamp();
            Assert.True(answeredBy == pid, $"request {i} was answered by helper {answeredBy}, not {pid}; the longest time from one answer to the next was {longestGap.TotalMilliseconds:F0} ms (idle timeout {idle.TotalMilliseconds:F0} ms)");
            await Task.Delay(200);
        }

        await cluster.StopAndAssertNoHelperLeftAsync();
    }
}
