using Akka.Actor;
using UmhActors.Cluster.Sharding;

namespace ClusterExample;

/// <summary>Sends "shout" requests to entity ids round-robin, many at a time, and counts how they end.
/// Requests go through <see cref="ShardedHelperClient"/>, which sends again a request Akka dropped
/// undelivered in a shard hand-off, so a leave or a down costs latency, not answers.</summary>
internal sealed class ShoutClient(IActorRef region, int entities, int callers)
{
    // 10 s: a request lost with a member that dies before it is downed (about 3 s here) fails then,
    // instead of after the client's default minute.
    private readonly ShardedHelperClient _client = new(region, TimeSpan.FromSeconds(10));

    private long _answered, _failed, _wrong;

    public long Answered => Interlocked.Read(ref _answered);

    public long Failed => Interlocked.Read(ref _failed);

    public long Wrong => Interlocked.Read(ref _wrong);

    /// <summary>Sends until <paramref name="stop"/> is cancelled.</summary>
    public Task RunAsync(CancellationToken stop) => Task.WhenAll(Enumerable.Range(0, callers).Select(c => Task.Run(async () =>
    {
        for (var i = c; !stop.IsCancellationRequested; i += callers) await ShoutAsync($"tenant-{i % entities}");
    })));

    /// <summary>One request to each entity, <c>callers</c> at a time.</summary>
    public Task TouchAllAsync() => Parallel.ForEachAsync(Enumerable.Range(0, entities), new ParallelOptions { MaxDegreeOfParallelism = callers },
        async (i, _) => await ShoutAsync($"tenant-{i}"));

    private async Task ShoutAsync(string entity)
    {
        try
        {
            var shouted = await _client.CallAsync<string[], string>(entity, "shout", [entity]);
            if (shouted == entity.ToUpperInvariant() + "!") Interlocked.Increment(ref _answered);
            else Interlocked.Increment(ref _wrong);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A typed failure (the helper died with the request in flight, or a member died before it was
            // downed, taking the request with it).
            Interlocked.Increment(ref _failed);
        }
    }
}
