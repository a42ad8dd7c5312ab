using UmhActors.Cluster.Tests.Support;

namespace UmhActors.Cluster.Tests;

public sealed class ProxyMembersRunNoHelpers
{
    [Fact]
    public async Task A_member_without_the_helpers_role_proxies_requests_and_hosts_no_entity()
    {
        await using var cluster = await TestCluster.StartAsync(2);
        var client = await cluster.AddNodeAsync(["clients"]);
        var ids = Enumerable.Range(0, 60).Select(i => $"proxied-{i}").ToArray();

        await Task.WhenAll(ids.Select((id, i) => Echo.AssertEchoAsync(client.Region, id, i)));

        Assert.Empty(await client.EntityIdsAsync());
        var hosted = (await cluster.Nodes[0].EntityIdsAsync()).Concat(await cluster.Nodes[1].EntityIdsAsync());
        Assert.Equal(ids.Order(), hosted.Order());

        await cluster.StopAndAssertNoHelperLeftAsync();
    }

    [Fact]
    public async Task A_member_with_only_a_proxy_registered_reaches_the_sharded_helpers()
    {
        await using var cluster = await TestCluster.StartAsync(2);
        var client = await cluster.AddNodeAsync(["clients"], proxyOnly: true);
        var ids = Enumerable.Range(0, 40).Select(i => $"proxy-only-{i}").ToArray();

        await Task.WhenAll(ids.Select((id, i) => Echo.AssertEchoAsync(client.Region, id, i)));

        Assert.Empty(await client.EntityIdsAsync());
        var hosted = (await cluster.Nodes[0].EntityIdsAsync()).Concat(await cluster.Nodes[1].EntityIdsAsync());
        Assert.Equal(ids.Order(), hosted.Order());

        await cluster.StopAndAssertNoHelperLeftAsync();
    }
}
