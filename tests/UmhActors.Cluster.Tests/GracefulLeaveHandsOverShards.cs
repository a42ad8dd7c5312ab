using UmhActors.Cluster.Tests.Support;
using UmhActors.Tests.Shared;

namespace UmhActors.Cluster.Tests;

public sealed class GracefulLeaveHandsOverShards
{
    [Fact]
    public async Task A_member_that_leaves_hands_its_shards_over_stops_every_helper_it_hosted_and_loses_no_request()
    {
        await using var cluster = await TestCluster.StartAsync(3);
        var (caller, leaver) = (cluster.Nodes[0], cluster.Nodes[2]);
        var ids = Enumerable.Range(0, 90).Select(i => $"leave-{i}").ToArray();
        await Task.WhenAll(ids.Select((id, i) => Echo.AssertEchoAsync(caller.Region, id, i)));
        var leaving = await leaver.EntityIdsAsync();
        Assert.NotEmpty(leaving);
        var leaverPids = await Task.WhenAll(leaving.Select(id => Echo.PidAsync(caller.Region, id)));

        using var load = new RequestLoad(caller.Region, ids, TimeSpan.FromSeconds(20));
        await load.AwaitRequestsAsync(50);
        leaver.Cluster.Leave(leaver.Address);
        await leaver.System.WhenTerminated.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(await HostCensus.EventuallyAsync(() => leaverPids.All(pid => !HostCensus.IsRunning(pid)), TimeSpan.FromSeconds(2)),
            $"helpers of the member that left still run: {string.Join(", ", leaverPids.Where(HostCensus.IsRunning))}");
        await load.AwaitRequestsAsync(load.Sent + 100);
        var outcomes = await load.StopAsync();
        var summary = load.Describe(outcomes);
        Assert.True(outcomes.GetValueOrDefault(EchoOutcome.Wrong) == 0, $"wrong answers: {summary}");
        Assert.True(outcomes.GetValueOrDefault(EchoOutcome.Lost) == 0, $"requests lost: {summary}: {string.Join("; ", load.Lost)}");
        Assert.True(outcomes.GetValueOrDefault(EchoOutcome.Correct) > 0);
        // Every entity answers from the members that stayed.
        await Task.WhenAll(ids.Select((id, i) => Echo.AssertEchoAsync(caller.Region, id, i)));
        var byNode = await cluster.EntitiesByNodeAsync();
        Assert.Equal(2, byNode.Count);
        Assert.Superset(leaving, byNode.Values.SelectMany(e => e).ToHashSet());

        await cluster.StopAndAssertNoHelperLeftAsync();
    }
}
