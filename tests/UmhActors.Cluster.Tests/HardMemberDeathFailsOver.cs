using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Cluster;
using UmhActors.Cluster.Tests.Support;
using UmhActors.ClusterTesting;
using UmhActors.Tests.Shared;
using UmhActors.Tests.Support;

namespace UmhActors.Cluster.Tests;

public sealed class HardMemberDeathFailsOver
{
    [Fact]
    public async Task A_member_killed_with_SIGKILL_loses_its_helpers_is_downed_and_its_entities_come_back_on_the_survivors()
    {
        await using var cluster = await TestCluster.StartAsync(2);
        var caller = cluster.Nodes[0];
        using var member = HostProcessRunner.Start(["cluster-node", caller.Address.ToString()]);
        var addressLine = await member.ReadLineAsync();
        Assert.StartsWith("address ", addressLine);
        var address = Address.Parse(addressLine!["address ".Length..]);
        Assert.Equal("up", await member.ReadLineAsync());
        await cluster.AwaitUpAsync(extraMembers: 1);
        await cluster.AwaitRegionsAsync(3);

        var ids = Enumerable.Range(0, 90).Select(i => $"death-{i}").ToArray();
        await Task.WhenAll(ids.Select((id, i) => Echo.AssertEchoAsync(caller.Region, id, i)));
        var remoteRegion = caller.System.ActorSelection(new RootActorPath(address) / "system" / "sharding" / ClusterTestNode.TypeName);
        var remoteState = await remoteRegion.Ask<CurrentShardRegionState>(GetShardRegionState.Instance, TimeSpan.FromSeconds(10));
        var orphans = remoteState.Shards.SelectMany(s => s.EntityIds).ToArray();
        Assert.NotEmpty(orphans);
        var orphanPids = await Task.WhenAll(orphans.Select(id => Echo.PidAsync(caller.Region, id)));
        Assert.All(orphanPids, pid => Assert.Equal(member.Process.Id, HostCensus.ReadStat($"/proc/{pid}")!.Value.ParentPid));

        member.Process.Kill(); // SIGKILL: no shutdown of any kind in the member

        // Its helpers see EOF on stdin and exit on their own.
        Assert.True(await HostCensus.EventuallyAsync(() => orphanPids.All(pid => !HostCensus.IsRunning(pid)), TimeSpan.FromSeconds(2)),
            $"helpers of the killed member still run: {string.Join(", ", orphanPids.Where(HostCensus.IsRunning))}");
        // The Split Brain Resolver downs it and the survivors remove it.
        Assert.True(await HostCensus.EventuallyAsync(
            () => cluster.Live.All(n => n.Cluster.State.Members.All(m => m.Address != address)), TimeSpan.FromSeconds(30)),
            "the killed member was not downed and removed");
        // Its entities come back on the survivors on their next request.
        await Task.WhenAll(orphans.Select((id, i) => Echo.AssertEchoAsync(caller.Region, id, i, TimeSpan.FromSeconds(20))));
        var survivors = (await cluster.Nodes[0].EntityIdsAsync()).Concat(await cluster.Nodes[1].EntityIdsAsync()).ToHashSet();
        Assert.Superset(orphans.ToHashSet(), survivors);

        await cluster.StopAndAssertNoHelperLeftAsync();
    }
}
