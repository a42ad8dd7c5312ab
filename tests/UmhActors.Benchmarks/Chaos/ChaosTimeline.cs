using System.Collections.Concurrent;
using System.Diagnostics;

namespace UmhActors.Chaos;

/// <summary>Per-second counters of a chaos run (thread-safe).</summary>
internal sealed class ChaosTimeline
{
    private readonly ConcurrentDictionary<int, Bucket> _seconds = new();
    private Stopwatch _clock = Stopwatch.StartNew();
    private long _restarts;

    public long TotalRestarts => Interlocked.Read(ref _restarts);

    public void Start(Stopwatch clock) => _clock = clock;

    public void Answered() => Interlocked.Increment(ref Now.Answered);

    public void Failed(string type) => Now.Failures.AddOrUpdate(type, 1, (_, n) => n + 1);

    public void Fault(string kind) => Now.Faults.AddOrUpdate(kind, 1, (_, n) => n + 1);

    public void Restarted(string kind)
    {
        Interlocked.Increment(ref _restarts);
        Interlocked.Increment(ref Now.Restarts);
        Now.RestartsByKind.AddOrUpdate(kind, 1, (_, n) => n + 1);
    }

    public IReadOnlyList<ChaosSecond> Seconds()
    {
        var last = _seconds.Keys.DefaultIfEmpty(0).Max();
        return Enumerable.Range(0, last + 1).Select(s =>
        {
            var b = _seconds.GetValueOrDefault(s) ?? new Bucket();
            return new ChaosSecond(s, b.Answered, b.Restarts, new SortedDictionary<string, int>(b.Failures),
                new SortedDictionary<string, int>(b.RestartsByKind), new SortedDictionary<string, int>(b.Faults));
        }).ToList();
    }

    private Bucket Now => _seconds.GetOrAdd((int)_clock.Elapsed.TotalSeconds, _ => new Bucket());

    private sealed class Bucket
    {
        public int Answered;
        public int Restarts;
        public readonly ConcurrentDictionary<string, int> Failures = new();
        public readonly ConcurrentDictionary<string, int> RestartsByKind = new();
        public readonly ConcurrentDictionary<string, int> Faults = new();
    }
}
