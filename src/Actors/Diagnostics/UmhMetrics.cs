using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Akka.Actor;
using UmhActors.Failures;

namespace UmhActors.Diagnostics;

/// <summary>
/// The instruments of the <see cref="Meter"/> named <c>UmhActors</c> (OpenTelemetry naming: lower
/// case, dot-separated, unit in the instrument). One instance per ActorSystem
/// (<see cref="For(ActorSystem)"/>): built from the app's <see cref="IMeterFactory"/> when DI
/// provides one, else the process-wide <see cref="Shared"/> meter. Every recording method checks
/// <see cref="Instrument.Enabled"/> first, so with no listener nothing is computed or allocated;
/// the gauges are observed (callbacks run only when a collector asks).
/// </summary>
/// <remarks>Tags are low-cardinality only: helper name, method, outcome, failure kind; never a pid or msgid.</remarks>
internal sealed class UmhMetrics
{
    /// <summary>The meter's name, for <c>AddMeter("UmhActors")</c>.</summary>
    public const string MeterName = "UmhActors";

    public const string HelperTag = "helper";
    public const string OutcomeTag = "outcome";
    public const string KindTag = "kind";

    /// <summary>
    /// The bucket boundaries advised for the duration histograms, in seconds: 10 µs to 10 s. The SDKs'
    /// defaults (0, 5, 10, 25 … 10 000) are sized for milliseconds, and would put every request (tens of
    /// microseconds) and every launch (milliseconds) into the first bucket.
    /// </summary>
    public static readonly IReadOnlyList<double> DurationBuckets =
        [0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    // Declared before Shared: static initializers run in text order, and Shared's histograms need it.
    private static readonly InstrumentAdvice<double> SecondsBuckets = new() { HistogramBucketBoundaries = DurationBuckets };

    private readonly ConcurrentDictionary<HelperLoad, byte> _helpers = new();
    private readonly Counter<long> _launches;
    private readonly Counter<long> _exits;
    private readonly Counter<long> _restarts;
    private readonly Counter<long> _refusals;
    private readonly Histogram<double> _launchDuration;

    /// <summary>The meter of systems without an <see cref="IMeterFactory"/>.</summary>
    public static UmhMetrics Shared { get; } = new(null);

    /// <summary>Creates the meter through <paramref name="factory"/> (which then owns its lifetime), or directly when null.</summary>
    public UmhMetrics(IMeterFactory? factory)
    {
        var version = typeof(UmhMetrics).Assembly.GetName().Version?.ToString();
        Meter = factory is null ? new Meter(MeterName, version) : factory.Create(new MeterOptions(MeterName) { Version = version });
        _launches = Meter.CreateCounter<long>("umh.helper.launches", "{launch}", "Helper launches, by outcome (ok, failed, refused by the guardian).");
        _exits = Meter.CreateCounter<long>("umh.helper.exits", "{exit}", "Helper process exits, by failure kind (crashed, oom_killed, hung, …).");
        _restarts = Meter.CreateCounter<long>("umh.helper.restarts", "{restart}", "Restarts decided by the supervision policy, by the failure kind that caused them.");
        _refusals = Meter.CreateCounter<long>("umh.guardian.refusals", "{refusal}", "Launch permits the guardian refused (launches disabled, or waited too long while frozen).");
        _launchDuration = Meter.CreateHistogram("umh.helper.launch.duration", "s", "From spawn to the helper's $/hello.", advice: SecondsBuckets);
        RequestDuration = Meter.CreateHistogram("umh.helper.request.duration", "s",
            "From the actor accepting a request to its answer or failure (queueing included), by method and outcome.", advice: SecondsBuckets);
        Meter.CreateObservableUpDownCounter("umh.helpers.live", () => Observe(static l => l.Live ? 1 : 0), "{helper}",
            "Helper processes running (launched and not yet exited).");
        Meter.CreateObservableUpDownCounter("umh.helper.requests.in_flight", () => Observe(static l => l.InFlight), "{request}",
            "Requests sent to a helper and not yet answered.");
        Meter.CreateObservableUpDownCounter("umh.helper.requests.queued", () => Observe(static l => l.Queued), "{request}",
            "Requests waiting for an in-flight slot or for the helper to be ready.");
        Meter.CreateObservableCounter("umh.reactor.reliefs", static () => ReactorReliefs, "{relief}",
            "Times the I/O reactor's loop moved to a new thread because a caller's continuation, run there by inline completions, blocked it.");
    }

    /// <summary>How many times the shared reactor's loop was relieved from a stuck continuation (see <see cref="Helpers.HelperOptions.InlineCompletions"/>).</summary>
    internal static long ReactorReliefs => UmhActors.Native.Io.Reactor.SharedIfCreated?.ReliefCount ?? 0;

    public Meter Meter { get; }

    /// <summary>Recorded on the request path (the actor's and the reactor's threads) after an <see cref="Instrument.Enabled"/> check.</summary>
    public Histogram<double> RequestDuration { get; }

    /// <summary>The instance for <paramref name="system"/>.</summary>
    public static UmhMetrics For(ActorSystem system) => system.WithExtension<UmhMetricsExtension, UmhMetricsProvider>().Metrics;

    /// <summary>Adds a helper actor to the gauges until the returned handle is disposed.</summary>
    public IDisposable Track(HelperLoad load)
    {
        _helpers.TryAdd(load, 0);
        return new Untrack(_helpers, load);
    }

    public void Launched(string helper, string outcome)
    {
        if (_launches.Enabled) _launches.Add(1, new KeyValuePair<string, object?>(HelperTag, helper), new KeyValuePair<string, object?>(OutcomeTag, outcome));
    }

    public void Ready(string helper, long spawnedAt)
    {
        if (_launchDuration.Enabled) _launchDuration.Record(Stopwatch.GetElapsedTime(spawnedAt).TotalSeconds, new KeyValuePair<string, object?>(HelperTag, helper));
    }

    public void Exited(string helper, HelperFailureKind kind)
    {
        if (_exits.Enabled) _exits.Add(1, new KeyValuePair<string, object?>(HelperTag, helper), new KeyValuePair<string, object?>(KindTag, KindName(kind)));
    }

    public void Restarting(string helper, HelperFailureKind kind)
    {
        if (_restarts.Enabled) _restarts.Add(1, new KeyValuePair<string, object?>(HelperTag, helper), new KeyValuePair<string, object?>(KindTag, KindName(kind)));
    }

    public void Refused(string reason)
    {
        if (_refusals.Enabled) _refusals.Add(1, new KeyValuePair<string, object?>("reason", reason));
    }

    /// <summary>Ends a request: its duration (when measured) and its span (when traced).</summary>
    public void RequestEnded(string helper, string method, long acceptedAt, string outcome, Activity? activity)
    {
        if (RequestDuration.Enabled)
        {
            var tags = new TagList { { HelperTag, helper }, { "method", method }, { OutcomeTag, outcome } };
            RequestDuration.Record(Stopwatch.GetElapsedTime(acceptedAt).TotalSeconds, in tags);
        }
        if (activity is not null) UmhTracing.End(activity, outcome);
    }

    /// <summary>snake_case of the kind (<c>crashed</c>, <c>oom_killed</c>, …), as OpenTelemetry tag values are written.</summary>
    public static string KindName(HelperFailureKind kind) => s_kindNames.TryGetValue(kind, out var name) ? name : kind.ToString();

    private static readonly Dictionary<HelperFailureKind, string> s_kindNames = Enum.GetValues<HelperFailureKind>()
        .ToDictionary(k => k, k => string.Concat(k.ToString().Select((c, i) => char.IsUpper(c) && i > 0 ? "_" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString())));

    // Helpers of one name (a pool) add up into one measurement.
    private IEnumerable<Measurement<long>> Observe(Func<HelperLoad, long> read)
    {
        var sums = new Dictionary<string, long>();
        foreach (var load in _helpers.Keys)
        {
            sums.TryGetValue(load.Helper, out var sum);
            sums[load.Helper] = sum + read(load);
        }
        return sums.Select(s => new Measurement<long>(s.Value, new KeyValuePair<string, object?>(HelperTag, s.Key)));
    }

    private sealed class Untrack(ConcurrentDictionary<HelperLoad, byte> helpers, HelperLoad load) : IDisposable
    {
        public void Dispose() => helpers.TryRemove(load, out _);
    }
}
