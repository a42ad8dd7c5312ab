using UmhActors.Native.Launch;
using UmhActors.Protocol.Control;
using UmhActors.Protocol.Framing;
using UmhActors.Supervision;

namespace UmhActors.Helpers;

/// <summary>
/// How a <see cref="HelperActor"/> runs its helper. Immutable; start from <see cref="Default"/> and
/// use <c>With…</c> (each validates its argument).
/// </summary>
public sealed record HelperOptions
{
    /// <summary>Defaults: minimal environment, 10 s to say hello, 30 s per request, 1,024 requests
    /// in flight and 10,000 queued behind them, 2 s grace between SIGTERM and SIGKILL on stop.</summary>
    public static HelperOptions Default { get; } = new();

    /// <summary>argv, environment, working directory (stdio is always pipes for an actor).</summary>
    public LaunchOptions Launch { get; init; } = LaunchOptions.Default;

    /// <summary>How long the helper has to send <c>$/hello</c> after exec.</summary>
    public TimeSpan StartupTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The default per-request timeout (a <see cref="Requests.HelperRequest"/> may override it).
    /// When it runs out the request fails and the helper is sent <c>$/cancel</c>.
    /// <see cref="Timeout.InfiniteTimeSpan"/> means no timeout; values above
    /// <see cref="MaxRequestTimeout"/> are capped to it.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The longest finite request timeout: int.MaxValue milliseconds (about 24.8 days), the
    /// longest a .NET or Akka timer waits. Longer timeouts (such as <see cref="TimeSpan.MaxValue"/>)
    /// are capped to it; <see cref="Timeout.InfiniteTimeSpan"/> means none.</summary>
    public static TimeSpan MaxRequestTimeout { get; } = TimeSpan.FromMilliseconds(int.MaxValue);

    /// <summary>Requests sent to the helper and not yet answered, at most.</summary>
    public int MaxInFlight { get; init; } = 1024;

    /// <summary>Requests waiting for an in-flight slot (or for the helper to be ready), at most.
    /// Beyond both bounds a request is rejected at once with <see cref="Requests.HelperOverloadedException"/>.</summary>
    public int MaxQueued { get; init; } = 10_000;

    /// <summary>When the actor stops: how long a helper asked to shut down (<c>$/shutdown</c>) has to
    /// exit before SIGTERM, and again between SIGTERM and SIGKILL.</summary>
    public TimeSpan StopGracePeriod { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Limits on frames from the helper (an untrusted peer). Its <c>MaxFrameSize</c> also
    /// bounds requests sent to the helper (whose runtime applies the same default limit): a larger
    /// request fails with <see cref="Requests.HelperRequestTooLargeException"/> and is not sent.</summary>
    public DecoderLimits Limits { get; init; } = DecoderLimits.Default;

    /// <summary>Log each stderr line of the helper (at Info, with its name and pid). On by default.</summary>
    public bool LogStderr { get; init; } = true;

    /// <summary>What the actor does when its helper ends, per failure kind
    /// (<see cref="HelperSupervisionPolicy.Default"/>: restart crashes with backoff, stop on an
    /// admin's kill, …). <see cref="HelperSupervisionPolicy.EscalateAll"/> gives Akka's plain
    /// behaviour: every failure is thrown to the actor's supervisor.</summary>
    public HelperSupervisionPolicy Supervision { get; init; } = HelperSupervisionPolicy.Default;

    /// <summary>How long a launch (first start or restart) waits for the guardian's permit while
    /// launches are frozen; after that the actor stops with a <see cref="Guardian.LaunchPermitTimeoutException"/>.</summary>
    public TimeSpan LaunchPermitTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>These options with another wait for a launch permit while launches are frozen.</summary>
    public HelperOptions WithLaunchPermitTimeout(TimeSpan timeout) => this with { LaunchPermitTimeout = Positive(timeout, nameof(timeout)) };

    /// <summary>How long the actor's thread may wait for the answer to a lone request before leaving
    /// it to the I/O reactor: 25 µs by default, <see cref="TimeSpan.Zero"/> to never wait. A helper
    /// that answers within it is answered without a thread hand-off, roughly halving a small
    /// request's round trip. The wait happens only with one request in flight and on a .NET
    /// thread-pool thread (Akka's default dispatcher), and stops after repeated misses; it costs up
    /// to the budget of CPU per miss: the actor's thread, and a CPU the helper and the reactor may
    /// need, are held for the whole budget. The default is short for that reason; the figures that
    /// chose it are in docs/benchmarks.md ("Response poll budget").</summary>
    public TimeSpan ResponsePollBudget { get; init; } = TimeSpan.FromMicroseconds(25);

    /// <summary>These options with another response poll budget (<see cref="TimeSpan.Zero"/>: never poll).</summary>
    public HelperOptions WithResponsePollBudget(TimeSpan budget)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(budget, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(budget, TimeSpan.FromMilliseconds(1));
        return this with { ResponsePollBudget = budget };
    }

    /// <summary>
    /// Whether callers' tasks are completed on the I/O reactor's thread, right after it reads their
    /// answers, instead of by a thread-pool work item: false by default. It saves a thread hand-off
    /// per read (about 0.1 µs of host CPU per pipelined request, docs/benchmarks.md "Inline completions"),
    /// at a price: the callers' continuations (the code after <c>await</c>) then run on the one
    /// reactor thread that serves every helper's pipes, one after another, so slow continuations
    /// delay every helper's answers and do not spread over the CPUs. For callers whose continuations
    /// are short and do not block, as <c>Kestrel</c>'s <c>UnsafePreferInlineScheduling</c>. A
    /// continuation that does block (waits on a lock, on <c>.Result</c>, on another request) costs
    /// one to two 10 ms periods: then a new thread takes the reactor over, the rest of that read's
    /// answers go to the thread pool, and the blocked thread ends once its continuation returns.
    /// Answers the actor's thread catches while polling (<see cref="ResponsePollBudget"/>) are
    /// completed on the thread pool either way.
    /// </summary>
    public bool InlineCompletions { get; init; }

    /// <summary>These options with callers' tasks completed on the reactor's thread (see <see cref="InlineCompletions"/>).</summary>
    public HelperOptions WithInlineCompletions(bool inline = true) => this with { InlineCompletions = inline };

    /// <summary>The hang watchdog; null (the default) for none. Never used with
    /// <see cref="ControlProtocol.None"/>: a plain msgpack-rpc helper does not answer <c>$/ping</c>.</summary>
    public WatchdogOptions? Watchdog { get; init; }

    /// <summary>The control methods the helper speaks: <see cref="ControlProtocol.Umh"/> (the
    /// default) or <see cref="ControlProtocol.None"/> for a plain msgpack-rpc helper (see
    /// <see cref="WithPlainMsgpackRpc"/>).</summary>
    public ControlProtocol Control { get; init; } = ControlProtocol.Umh;

    /// <summary>These options for a helper written with another msgpack-rpc library, which does not
    /// speak our control methods (<see cref="ControlProtocol.None"/>): ready on spawn instead of on
    /// <c>$/hello</c>, no watchdog (any set here is removed), no <c>$/cancel</c> or
    /// <c>$/shutdown</c> sent; stop closes its stdin, then SIGTERM, then SIGKILL, each after
    /// <see cref="StopGracePeriod"/>. Requests, responses and notifications work as usual.</summary>
    public HelperOptions WithPlainMsgpackRpc() => this with { Control = ControlProtocol.None, Watchdog = null };

    /// <summary>How long a sharded helper (UmhActors.Cluster's <c>WithShardedHelpers</c>) may go without a
    /// request before Akka's sharding passivates its entity, stopping the helper process; the next
    /// request starts a new one. Null (the default): the ActorSystem's
    /// <c>akka.cluster.sharding.passivate-idle-entity-after</c> (120 s unless configured);
    /// <see cref="Timeout.InfiniteTimeSpan"/>: never. A helper that is not sharded ignores it.</summary>
    public TimeSpan? IdleTimeout { get; init; }

    /// <summary>These options with another idle timeout: positive, <see cref="Timeout.InfiniteTimeSpan"/>
    /// for none, or null for the ActorSystem's sharding default.</summary>
    public HelperOptions WithIdleTimeout(TimeSpan? timeout)
    {
        if (timeout is { } t && t != Timeout.InfiniteTimeSpan) ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(t, TimeSpan.Zero, nameof(timeout));
        return this with { IdleTimeout = timeout };
    }

    /// <summary>These options with another supervision policy.</summary>
    public HelperOptions WithSupervision(HelperSupervisionPolicy policy) => this with { Supervision = policy ?? throw new ArgumentNullException(nameof(policy)) };

    /// <summary>These options with a hang watchdog pinging every <paramref name="interval"/>.</summary>
    /// <exception cref="InvalidOperationException">The helper is plain msgpack-rpc
    /// (<see cref="ControlProtocol.None"/>): it would never answer a ping.</exception>
    public HelperOptions WithWatchdog(TimeSpan interval, TimeSpan timeout)
    {
        if (Control == ControlProtocol.None)
            throw new InvalidOperationException("a plain msgpack-rpc helper (ControlProtocol.None) does not answer $/ping: it cannot have a watchdog");
        return this with { Watchdog = new WatchdogOptions(interval, timeout).Validated() };
    }

    /// <summary>These options with other launch options.</summary>
    public HelperOptions WithLaunch(LaunchOptions launch) => this with { Launch = launch ?? throw new ArgumentNullException(nameof(launch)) };

    /// <summary>These options with another hello deadline.</summary>
    public HelperOptions WithStartupTimeout(TimeSpan timeout) => this with { StartupTimeout = Positive(timeout, nameof(timeout)) };

    /// <summary>These options with another default request timeout: positive (capped to
    /// <see cref="MaxRequestTimeout"/>) or <see cref="Timeout.InfiniteTimeSpan"/> for none.</summary>
    public HelperOptions WithRequestTimeout(TimeSpan timeout)
    {
        if (!RequestTimeouts.IsValid(timeout))
            throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "must be positive or Timeout.InfiniteTimeSpan");
        return this with { RequestTimeout = RequestTimeouts.Effective(timeout) };
    }

    /// <summary>These options with other bounds on in-flight and queued requests.</summary>
    public HelperOptions WithBounds(int maxInFlight, int maxQueued)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxInFlight, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(maxQueued);
        return this with { MaxInFlight = maxInFlight, MaxQueued = maxQueued };
    }

    /// <summary>These options with another SIGTERM-to-SIGKILL grace period.</summary>
    public HelperOptions WithStopGracePeriod(TimeSpan grace)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(grace, TimeSpan.Zero);
        return this with { StopGracePeriod = grace };
    }

    /// <summary>True when the helper is launched in test mode (<see cref="WithTestFaults"/>).</summary>
    public bool TestFaults => Launch.Environment.TryGetValue(TestFaultMethods.EnvironmentVariable, out var value) && value == "1";

    /// <summary>These options with the helper launched in test mode: its environment gets
    /// <c>UMH_TEST_FAULTS=1</c>, and a helper built on the C# helper runtime then honours the
    /// reserved <c>$/test/…</c> methods (hang, garble, allocate past its memory limit) that
    /// <c>UmhActors.TestKit</c>'s <c>HelperFaults</c> sends. Off by default, and never for production:
    /// a helper not in test mode refuses those methods with <see cref="TestFaultMethods.DisabledErrorCode"/>.
    /// Test mode lives in <see cref="Launch"/>'s environment: call it after <see cref="WithLaunch"/>,
    /// which replaces the launch options.</summary>
    public HelperOptions WithTestFaults() => WithLaunch(Launch.WithEnvironment(TestFaultMethods.EnvironmentVariable, "1"));

    /// <summary>These options with other frame limits.</summary>
    public HelperOptions WithLimits(DecoderLimits limits) => this with { Limits = limits ?? throw new ArgumentNullException(nameof(limits)) };

    private static TimeSpan Positive(TimeSpan value, string name)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(value, TimeSpan.Zero, name);
        return value;
    }
}
