using Akka.Actor;
using Akka.Cluster.Sharding;
using UmhActors.Cluster.Sharding;
using UmhActors.Cluster.Tests.Support;
using UmhActors.Requests;

namespace UmhActors.Cluster.Tests;

public sealed class UserMessageExtractorAddressesEntities
{
    /// <summary>A message of the user's own that names its entity.</summary>
    private sealed record TenantCall(string Tenant, HelperRequest Request);

    private sealed class TenantExtractor() : HashCodeMessageExtractor(10)
    {
        public override string? EntityId(object message) => message is TenantCall call ? "tenant-" + call.Tenant : null;

        public override object EntityMessage(object message) => message is TenantCall call ? call.Request : message;
    }

    [Fact]
    public async Task A_message_extractor_of_the_users_routes_its_own_envelope_to_one_helper_per_entity()
    {
        await using var cluster = await TestCluster.StartAsync(1, sharding: ShardedHelperOptions.Default.WithMessageExtractor(new TenantExtractor()));
        var region = cluster.Nodes[0].Region;

        var a1 = await region.Ask<HelperResponse>(new TenantCall("a", HelperRequest.WithoutParams("pid")), TimeSpan.FromSeconds(15));
        var b = await region.Ask<HelperResponse>(new TenantCall("b", HelperRequest.WithoutParams("pid")), TimeSpan.FromSeconds(15));
        var a2 = await region.Ask<HelperResponse>(new TenantCall("a", HelperRequest.WithoutParams("pid")), TimeSpan.FromSeconds(15));

        Assert.Equal(a1.GetResult<int>(), a2.GetResult<int>());
        Assert.NotEqual(a1.GetResult<int>(), b.GetResult<int>());
        Assert.Equal(new HashSet<string> { "tenant-a", "tenant-b" }, await cluster.Nodes[0].EntityIdsAsync());

        await cluster.StopAndAssertNoHelperLeftAsync();
    }
}
