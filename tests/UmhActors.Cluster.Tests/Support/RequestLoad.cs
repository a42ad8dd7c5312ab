using System.Collections.Concurrent;
using Akka.Actor;
using UmhActors.Cluster.Sharding;

namespace UmhActors.Cluster.Tests.Support;

/// <summary>Echo requests sent round-robin over some entities by a few callers until stopped, each
/// classified (<see cref="EchoOutcome"/>): the traffic that must survive a hand-over. Sent through a
/// <see cref="ShardedHelperClient"/>, the path callers are given.</summary>
internal sealed class RequestLoad : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<EchoOutcome, int> _outcomes = new();
    private readonly Task[] _callers;
    private readonly ConcurrentQueue<string> _lost = new();
    private readonly ConcurrentDictionary<string, int> _failures = new();
    private readonly ShardedHelperClient _client;
    private int _sent;

    public RequestLoad(IActorRef region, IReadOnlyList<string> ids, TimeSpan timeout, int callers = 8)
    {
        _client = new ShardedHelperClient(region);
        _callers = Enumerable.Range(0, callers).Select(c => Task.Run(async () =>
        {
            for (var i = c; !_stop.IsCancellationRequested; i += callers)
            {
                Interlocked.Increment(ref _sent);
                var sentAt = DateTime.UtcNow;
                var (outcome, failure) = await Echo.TryEchoAsync(_client, ids[i % ids.Count], i, timeout);
                if (failure is not null) _failures.AddOrUpdate(failure, 1, (_, n) => n + 1);
                _outcomes.AddOrUpdate(outcome, 1, (_, n) => n + 1);
                if (outcome == EchoOutcome.Lost) _lost.Enqueue($"{ids[i % ids.Count]} sent {sentAt:HH:mm:ss.fff}");
            }
        })).ToArray();
    }

    public int Sent => Volatile.Read(ref _sent);

    /// <summary>Requests the client sent again after Akka dropped them undelivered.</summary>
    public long Retries => _client.Retries;

    /// <summary>The typed failures seen, by exception type.</summary>
    public IReadOnlyDictionary<string, int> Failures => _failures;

    /// <summary>Outcomes, typed failures and retries in one line, for assertion messages; also
    /// appended to the file named by <c>UMH_LOAD_REPORT</c> when set (for counting over repeated runs).</summary>
    public string Describe(IReadOnlyDictionary<EchoOutcome, int> outcomes, [System.Runtime.CompilerServices.CallerFilePath] string test = "")
    {
        var line = $"{string.Join(", ", outcomes.Select(o => $"{o.Key} {o.Value}"))}; failures [{string.Join(", ", _failures.Select(f => $"{f.Key} {f.Value}"))}]; retries {Retries}";
        if (Environment.GetEnvironmentVariable("UMH_LOAD_REPORT") is { Length: > 0 } report)
            File.AppendAllText(report, $"{Path.GetFileNameWithoutExtension(test)}: {line}{Environment.NewLine}");
        return line;
    }

    /// <summary>The requests that got no answer in time: entity id and when each was sent.</summary>
    public IReadOnlyCollection<string> Lost => _lost;

    /// <summary>Waits until at least <paramref name="count"/> requests were sent.</summary>
    public async Task AwaitRequestsAsync(int count)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (Sent < count && DateTime.UtcNow < deadline) await Task.Delay(10);
        Assert.True(Sent >= count, $"only {Sent} requests sent, expected {count}");
    }

    /// <summary>Stops sending, waits for every request's end, and counts them by outcome.</summary>
    public async Task<Dictionary<EchoOutcome, int>> StopAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_callers);
        return _outcomes.ToDictionary();
    }

    public void Dispose()
    {
        _stop.Cancel();
        _stop.Dispose();
    }
}
