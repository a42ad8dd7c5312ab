using System.Diagnostics;
using System.Runtime.ExceptionServices;
using Akka.Actor;
using MessagePack;
using UmhActors.Helpers;
using UmhActors.Requests;

namespace UmhActors.Cluster.Sharding;

/// <summary>
/// A typed front for a sharded helpers' region (or proxy): sends a <see cref="ShardedHelperRequest"/>,
/// unwraps the answer or throws the typed failure, and retries a request that Akka dropped on its way
/// (<see cref="HelperRequestUndeliveredException"/>) within the request's deadline, so a caller whose
/// request met a shard hand-off (a rebalance, a member leaving) gets the answer of the new owner.
/// </summary>
/// <remarks>
/// <para>Only undelivered requests are retried: they were never given to a helper, so a retry cannot
/// run one twice. Every other failure (<see cref="HelperStoppedException"/> for a request in flight
/// when its entity stopped, a helper crash, a timeout, …) reaches the caller as it is.</para>
/// <para>The deadline is the request's <see cref="HelperRequest.Timeout"/> (for a request without
/// one, the client's <c>askTimeout</c>); each retry carries the time left as its timeout, so the helper
/// gives up when the caller would. The Ask waits 5 s more than that, as <see cref="HelperClient"/>'s.
/// Cancelling the caller's token ends the wait and the retries at once, and cancels the attempt in
/// flight at its entity: the client sends a <see cref="ShardedHelperCancel"/> naming that attempt's
/// requester through the region, and the entity, on whichever member it lives, frees the request's
/// slot and sends its helper <c>$/cancel</c>, as a local <see cref="HelperClient"/>'s cancel does. That
/// cancel is best effort: one that arrives after the answer does nothing, and one Akka loses (a
/// hand-off, a member that died) leaves the request to its own timeout.</para>
/// </remarks>
/// <param name="region">The shard region or proxy registered by
/// <see cref="ShardedHelperHostingExtensions.WithShardedHelpers{TKey}"/> (or …<c>Proxy</c>).</param>
/// <param name="askTimeout">The deadline of a request without its own timeout; keep it above the
/// entities' <see cref="HelperOptions.RequestTimeout"/> (when it passes first, the attempt is cancelled
/// at its entity as for a cancelled token). Default 60 s.</param>
/// <param name="options">MessagePack options for params and results (standard resolver by default).</param>
public sealed class ShardedHelperClient(IActorRef region, TimeSpan? askTimeout = null, MessagePackSerializerOptions? options = null)
{
    private static readonly TimeSpan AskGrace = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan FirstRetryDelay = TimeSpan.FromMilliseconds(20);
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromMilliseconds(500);

    // A retry is worth sending only with at least this much time left for it.
    private static readonly TimeSpan MinAttempt = TimeSpan.FromMilliseconds(20);
    private readonly TimeSpan _askTimeout = askTimeout ?? TimeSpan.FromSeconds(60);

    /// <summary>The region (or proxy) behind this client.</summary>
    public IActorRef Region { get; } = region ?? throw new ArgumentNullException(nameof(region));

    /// <summary>Requests this client sent again after Akka dropped them (for diagnostics and tests).</summary>
    public long Retries => Interlocked.Read(ref _retries);

    private long _retries;

    /// <summary>Calls <paramref name="method"/> on the helper of <paramref name="entityId"/> with
    /// <paramref name="request"/> as its params and deserializes the result as <typeparamref name="TResponse"/>.</summary>
    /// <exception cref="HelperErrorException">The helper answered with an error.</exception>
    /// <exception cref="HelperTimeoutException">No answer within the request timeout.</exception>
    /// <exception cref="HelperRequestUndeliveredException">Akka kept dropping the request until its deadline.</exception>
    /// <exception cref="Failures.HelperFailureException">The helper died with the request in flight.</exception>
    public async Task<TResponse> CallAsync<TRequest, TResponse>(string entityId, string method, TRequest request, CancellationToken cancellationToken = default)
    {
        var response = await SendAsync(entityId, HelperRequest.Create(method, request, options), cancellationToken).ConfigureAwait(false);
        return response.GetResult<TResponse>(options);
    }

    /// <summary>Sends <paramref name="request"/> to the helper of <paramref name="entityId"/> and
    /// returns the raw response, retrying while Akka drops it undelivered and time is left.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <exception cref="HelperRequestUndeliveredException">Akka kept dropping the request until its deadline.</exception>
    /// <exception cref="AskTimeoutException">No answer at all within the deadline and its grace (the
    /// request was lost with a member that died).</exception>
    public async Task<HelperResponse> SendAsync(string entityId, HelperRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(entityId);
        ArgumentNullException.ThrowIfNull(request);
        var budget = request.Timeout is { } own && (own == Timeout.InfiniteTimeSpan || own > TimeSpan.Zero) ? own : _askTimeout;
        var infinite = budget == Timeout.InfiniteTimeSpan || budget > HelperOptions.MaxRequestTimeout - AskGrace;
        var started = Stopwatch.GetTimestamp();
        var attempt = request;
        var delay = FirstRetryDelay;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var left = infinite ? Timeout.InfiniteTimeSpan : budget - Stopwatch.GetElapsedTime(started);
            TimeSpan? wait = infinite ? null : (request.Timeout is null ? left : left + AskGrace);
            object answer;
            IActorRef? requester = null;
            try
            {
                var sent = new ShardedHelperRequest(entityId, attempt);
                answer = await Region.Ask<object>(replyTo =>
                {
                    requester = replyTo;
                    return sent;
                }, wait, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (requester is not null && cancellationToken.IsCancellationRequested)
            {
                // The caller stops waiting: so does the attempt at its entity, or it would hold a slot
                // and run on to its timeout. Same region as the request, so it cannot overtake it.
                Region.Tell(new ShardedHelperCancel(entityId, requester!));
                throw;
            }
            catch (AskTimeoutException) when (requester is not null)
            {
                // The client's deadline passed first (an askTimeout below the entity's request timeout):
                // the caller gives up, so the entity should not run the request on either.
                Region.Tell(new ShardedHelperCancel(entityId, requester!));
                throw;
            }
            catch (HelperRequestUndeliveredException undelivered)
            {
                // Akka's Ask throws the cause of a Status.Failure answer.
                answer = new Status.Failure(undelivered);
            }
            switch (answer)
            {
                case HelperResponse response:
                    return response;
                case Status.Failure { Cause: HelperRequestUndeliveredException undelivered }
                    when infinite || Stopwatch.GetElapsedTime(started) + delay + MinAttempt < budget:
                    // Dropped in a hand-off: the shard's new home is being settled; a moment later the
                    // region buffers the request until it is, then delivers it there.
                    await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
                    delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxRetryDelay.Ticks));
                    if (!infinite && request.Timeout is not null)
                    {
                        var rest = budget - Stopwatch.GetElapsedTime(started);
                        if (rest <= TimeSpan.Zero) ExceptionDispatchInfo.Throw(undelivered);
                        attempt = request with { Timeout = rest };
                    }
                    Interlocked.Increment(ref _retries);
                    continue;
                case Status.Failure failure:
                    ExceptionDispatchInfo.Throw(failure.Cause);
                    throw failure.Cause;
                default:
                    throw new InvalidOperationException($"unexpected answer from {Region.Path}: {answer}");
            }
        }
    }
}
