using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Sharding;
using UmhActors.Cluster.Sharding;
using UmhActors.ClusterTesting;
using UmhActors.Helpers;
using UmhActors.Native.Blobs;
using UmhActors.Tests.Shared;

namespace UmhActors.Cluster.Tests.Support;

/// <summary>
/// Members in this test process forming one cluster over loopback TCP. Disposing it terminates every
/// member still running and proves that no helper process of this test host is left.
/// </summary>
internal sealed class TestCluster : IAsyncDisposable
{
    public static readonly TimeSpan ConvergenceTimeout = TimeSpan.FromSeconds(30);
    private static readonly Lazy<HelperBlob> s_blob = new(() => HelperBlob.FromEmbeddedHelper(typeof(TestCluster).Assembly, "testhelper"));
    private readonly List<TestNode> _nodes = [];
    private bool _stopped;

    public static HelperBlob Blob => s_blob.Value;

    public IReadOnlyList<TestNode> Nodes => _nodes;

    public IEnumerable<TestNode> Live => _nodes.Where(n => !n.Terminated);

    /// <summary>A cluster of <paramref name="count"/> helper-hosting members, all Up, whose regions
    /// the coordinator knows.</summary>
    public static async Task<TestCluster> StartAsync(int count, HelperOptions? options = null, ShardedHelperOptions? sharding = null)
    {
        var cluster = new TestCluster();
        try
        {
            for (var i = 0; i < count; i++) await cluster.AddNodeAsync(["helpers"], options, sharding);
            await cluster.AwaitRegionsAsync(count);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts a member with <paramref name="roles"/>, joins it (the first joins itself) and
    /// waits until every live member sees every live member Up. <paramref name="port"/> 0: a free one.</summary>
    public async Task<TestNode> AddNodeAsync(string[] roles, HelperOptions? options = null, ShardedHelperOptions? sharding = null, bool proxyOnly = false,
        int port = 0)
    {
        var host = ClusterTestNode.Build(Blob, roles, options, port, sharding: sharding, proxyOnly: proxyOnly);
        await host.StartAsync();
        var node = new TestNode(host);
        _nodes.Add(node);
        await node.Cluster.JoinAsync(_nodes[0].Address).WaitAsync(ConvergenceTimeout);
        await AwaitUpAsync();
        return node;
    }

    /// <summary>Waits until every live member sees the live members, and only them, Up.</summary>
    public async Task AwaitUpAsync(int? extraMembers = null)
    {
        var expected = Live.Count() + (extraMembers ?? 0);
        Assert.True(await HostCensus.EventuallyAsync(
            () => Live.All(n => n.Cluster.State.Members.Count(m => m.Status == MemberStatus.Up) == expected && n.Cluster.State.Unreachable.Count == 0),
            ConvergenceTimeout), $"the cluster did not converge on {expected} members Up");
    }

    /// <summary>Waits until the shard coordinator knows <paramref name="count"/> regions (so the next
    /// allocations can use every member).</summary>
    public async Task AwaitRegionsAsync(int count)
    {
        var deadline = DateTime.UtcNow + ConvergenceTimeout;
        while (true)
        {
            var regions = await Live.First().Region.Ask<CurrentRegions>(GetCurrentRegions.Instance, TimeSpan.FromSeconds(5));
            if (regions.Regions.Count == count) return;
            Assert.True(DateTime.UtcNow < deadline, $"the coordinator knows {regions.Regions.Count} regions, expected {count}");
            await Task.Delay(100);
        }
    }

    /// <summary>Each live member's entity ids, by member.</summary>
    public async Task<Dictionary<TestNode, HashSet<string>>> EntitiesByNodeAsync()
    {
        var map = new Dictionary<TestNode, HashSet<string>>();
        foreach (var node in Live) map[node] = await node.EntityIdsAsync();
        return map;
    }

    /// <summary>Stops every member and asserts that no helper process of this test host is left.
    /// The last step of each test.</summary>
    public async Task StopAndAssertNoHelperLeftAsync()
    {
        await StopAllAsync();
        Assert.True(await HostCensus.EventuallyAsync(() => HostCensus.RunningChildrenOfBlob("testhelper").Count == 0, TimeSpan.FromSeconds(10)),
            $"helper processes left: {string.Join(", ", HostCensus.RunningChildrenOfBlob("testhelper"))}");
    }

    /// <summary>Stops every member still running (after a failed test too; no assertion here, so the
    /// test's own failure is the one reported).</summary>
    public async ValueTask DisposeAsync() => await StopAllAsync();

    private async Task StopAllAsync()
    {
        if (_stopped) return;
        _stopped = true;
        // All at once: one by one, each member would wait for hand-overs to members about to leave too.
        await Task.WhenAll(_nodes.Select(async n =>
        {
            using (var stop = new CancellationTokenSource(TimeSpan.FromSeconds(20))) await n.Host.StopAsync(stop.Token);
            await n.System.WhenTerminated.WaitAsync(TimeSpan.FromSeconds(20));
            n.Host.Dispose();
        }));
    }
}
