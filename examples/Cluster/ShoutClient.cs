using Akka.Actor;
using UmhActors.Cluster.Sharding;
using UmhActors.Requests;

namespace ClusterExample;

/// <summary>Sends "shout" requests to entity ids round-robin, many at a time, and counts how they end.</summary>
internal sealed class ShoutClient(IActorRef region, int entities, int callers)
{
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
            var response = await region.Ask<HelperResponse>(new ShardedHelperRequest(entity, HelperRequest.Create("shout", new[] { entity })), TimeSpan.FromSeconds(20));
            if (response.GetResult<string>() == entity.ToUpperInvariant() + "!") Interlocked.Increment(ref _answered);
            else Interlocked.Increment(ref _wrong);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A typed failure (the entity's helper was stopped by a hand-off) or an Ask timeout.
            Interlocked.Increment(ref _failed);
        }
    }
}
