using Akka.Actor;

namespace UmhActors.Hosting.Health;

/// <summary>
/// Per helper actor, the restart counts earlier probes saw, to tell how many restarts happened
/// within the window. The first probe of a helper counts from zero (conservative: restarts before
/// the first probe count as recent until the window has passed). Thread-safe: probes may overlap.
/// </summary>
internal sealed class RestartWindowCounter(TimeProvider clock)
{
    private readonly object _gate = new();
    private readonly Dictionary<IActorRef, Queue<(long At, int Restarts)>> _samples = new();

    /// <summary>Records <paramref name="restarts"/> for <paramref name="actor"/> now and returns how
    /// many restarts happened within <paramref name="window"/>.</summary>
    public int Record(IActorRef actor, int restarts, TimeSpan window)
    {
        var now = clock.GetTimestamp();
        lock (_gate)
        {
            if (!_samples.TryGetValue(actor, out var samples))
                _samples[actor] = samples = new Queue<(long, int)>([(now, 0)]);
            // Keep the newest sample older than the window as the baseline.
            while (samples.Count > 1 && clock.GetElapsedTime(samples.ElementAt(1).At, now) > window) samples.Dequeue();
            var baseline = samples.Peek().Restarts;
            samples.Enqueue((now, restarts));
            return Math.Max(0, restarts - baseline);
        }
    }
}
