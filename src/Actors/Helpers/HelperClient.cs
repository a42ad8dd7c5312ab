using System.Runtime.ExceptionServices;
using Akka.Actor;
using MessagePack;
using MessagePack.Formatters;
using MessagePack.Resolvers;
using UmhActors.Requests;

namespace UmhActors.Helpers;

/// <summary>
/// A typed front for a <see cref="HelperActor"/> (or anything answering <see cref="HelperRequest"/>,
/// such as a router or shard region): send, wait for the answer, then unwrap it or throw the typed failure.
/// </summary>
/// <remarks>
/// <para>How the answer comes back, chosen once per client from <see cref="Helper"/>: the answer is
/// a Tell to the request's sender; only the sender differs.
/// When the target is certain to answer in this process (a local <see cref="HelperActor"/> or
/// <see cref="Hosting.HelperPoolActor"/>, which forwards to its local children), the sender
/// is a light one-shot reply ref that is not registered anywhere and completes the call's task, its
/// continuation running on the thread pool (never on the helper's reactor thread that answered). Any
/// other target (a shard region, a remote ref, any Akka router, an actor of your own that may
/// forward) gets Akka's Ask, whose temp actor is registered by name and so can be answered from
/// another node. Both give the same results, exceptions, timeouts and cancellation; the local one
/// saves the temp actor's registration by name, the continuation on the answering thread, and the
/// async method between the caller and the answer: the call's task is completed with the response (or
/// fails with the typed failure) by a thread-pool work item, one for all the answers of a read from the
/// helper. Its deadline is a link in a swept list (<see cref="ReplyDeadlines"/>), not a timer per call.</para>
/// <para>To a local <see cref="HelperActor"/> the request itself goes through the actor's request
/// inbox rather than its mailbox: the actor takes every request posted since its last turn in one
/// turn and writes them with one flush. A local <see cref="Hosting.HelperPoolActor"/> has one too, and
/// routes a turn's requests into its helper actors' inboxes. A message sent after a request (a cancel, a stop) never
/// reaches the actor before it, and a client's requests reach the helper in the order they were
/// sent; once the actor has stopped, requests go the ordinary way and come back as
/// <see cref="HelperRequestUndeliveredException"/>. Any other target gets a plain Tell.</para>
/// <para>The Ask's own timeout follows the request's: its <see cref="HelperRequest.Timeout"/> plus a
/// grace of 5 s (the actor fails the request at its deadline, so the grace only matters when the
/// actor is gone or its mailbox is far behind); none for <see cref="Timeout.InfiniteTimeSpan"/> or
/// timeouts within 5 s of <see cref="HelperOptions.MaxRequestTimeout"/> (the caller's token is then the way out).
/// A request without a timeout of its own gets the actor's <see cref="HelperOptions.RequestTimeout"/>,
/// which the client does not know: <c>askTimeout</c> stands for it.</para>
/// <para>When the caller's token is cancelled or the Ask times out, the request is cancelled too
/// (<see cref="CancelHelperRequest"/>): it frees its slot, the helper is sent <c>$/cancel</c>, and the
/// caller gets an <see cref="OperationCanceledException"/> (or the Ask's timeout) and nothing else.</para>
/// </remarks>
/// <param name="helper">The helper actor.</param>
/// <param name="askTimeout">How long to wait for a request that carries no timeout of its own: keep
/// it above the actor's <see cref="HelperOptions.RequestTimeout"/>. Default 60 s (twice the default
/// request timeout).</param>
/// <param name="options">MessagePack options for params and results (standard resolver by default).</param>
public sealed class HelperClient(IActorRef helper, TimeSpan? askTimeout = null, MessagePackSerializerOptions? options = null)
{
    private static readonly TimeSpan AskGrace = TimeSpan.FromSeconds(5);
    private readonly TimeSpan _askTimeout = askTimeout ?? TimeSpan.FromSeconds(60);
    private bool _localReplies = LocalReplyTargets.AnswersLocally(helper);
    private RequestInbox? _inbox;
    // Only a local HelperActor or HelperPoolActor has an inbox: any other target is not looked up on every call.
    private readonly bool _mayHaveInbox = LocalReplyTargets.AnswersLocally(helper);

    /// <summary>Whether requests go with a light local reply ref (true) or Akka's Ask (false); see the
    /// class remarks.</summary>
    internal bool UsesLocalReplies => _localReplies;

    /// <summary>For tests and benchmarks: overrides the choice of <see cref="UsesLocalReplies"/> (a local
    /// reply ref for a target that would not get one must still answer in this process).</summary>
    internal HelperClient WithLocalReplies(bool local)
    {
        _localReplies = local;
        return this;
    }

    /// <summary>A client for the same helper whose params and results use <paramref name="resolver"/>
    /// first, then the standard resolver: for types with hand-written or ahead-of-time generated
    /// formatters shared with a helper's typed handlers.</summary>
    public HelperClient WithResolver(IFormatterResolver resolver)
    {
        ArgumentNullException.ThrowIfNull(resolver);
        var standard = options ?? MessagePackSerializerOptions.Standard;
        return new HelperClient(Helper, _askTimeout, standard.WithResolver(CompositeResolver.Create(resolver, standard.Resolver)));
    }

    /// <summary>A client for the same helper whose params and results use <paramref name="formatters"/>
    /// first, then the standard resolver (see <see cref="WithResolver"/>).</summary>
    public HelperClient WithFormatters(params IMessagePackFormatter[] formatters) =>
        WithResolver(CompositeResolver.Create(formatters, []));

    /// <summary>The actor behind this client.</summary>
    public IActorRef Helper { get; } = helper;

    /// <summary>Calls <paramref name="method"/> with <paramref name="request"/> as its params and
    /// deserializes the result as <typeparamref name="TResponse"/>.</summary>
    /// <exception cref="HelperErrorException">The helper answered with an error.</exception>
    /// <exception cref="HelperTimeoutException">No answer within the request timeout.</exception>
    /// <exception cref="HelperOverloadedException">Too many requests in flight and queued.</exception>
    /// <exception cref="Failures.HelperFailureException">The helper died with the request in flight.</exception>
    public async Task<TResponse> CallAsync<TRequest, TResponse>(string method, TRequest request, CancellationToken cancellationToken = default)
    {
        var response = await SendAsync(HelperRequest.Create(method, request, options), cancellationToken).ConfigureAwait(false);
        return response.GetResult<TResponse>(options);
    }

    /// <summary>Sends <paramref name="request"/> and returns the raw response.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled
    /// (the request was cancelled at the helper too).</exception>
    /// <exception cref="InvalidHelperRequestException">The request breaks the helper's limits; it was not sent.</exception>
    public Task<HelperResponse> SendAsync(HelperRequest request, CancellationToken cancellationToken = default)
    {
        // As an async method would: every failure, argument errors included, in the returned task.
        if (request is null) return Task.FromException<HelperResponse>(new ArgumentNullException(nameof(request)));
        if (cancellationToken.IsCancellationRequested) return Task.FromCanceled<HelperResponse>(cancellationToken);
        // The local path's task is the caller's own: no async method in between, one object graph per call.
        return UsesLocalReplies
            ? SendLocal<HelperResponse>(request, AskTimeoutFor(request), cancellationToken)
            : AskAsync<HelperResponse>(request, AskTimeoutFor(request), cancellationToken);
    }

    /// <summary>Sends <paramref name="requests"/> as one <see cref="HelperRequestBatch"/> (one Ask for
    /// the lot, the requests that find slots written to the helper together) and returns one
    /// <see cref="HelperResult"/> per request, in the order of <paramref name="requests"/>: the response,
    /// or the failure that request alone would have thrown. For callers that send many requests at once
    /// and do not need one task per request.</summary>
    /// <remarks>The Ask waits as long as the longest request may (its timeout plus the grace, see the
    /// class remarks; without a timeout if any request has none). Cancelling
    /// <paramref name="cancellationToken"/> or the Ask timing out cancels every unanswered request of the
    /// batch (<see cref="CancelHelperRequest"/>).</remarks>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <exception cref="AskTimeoutException">No answer in time: the actor is gone or far behind.</exception>
    public async Task<IReadOnlyList<HelperResult>> SendBatchAsync(IReadOnlyList<HelperRequest> requests, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(requests);
        cancellationToken.ThrowIfCancellationRequested();
        if (requests.Count == 0) return [];
        TimeSpan? askTimeout = TimeSpan.Zero;
        foreach (var request in requests)
        {
            ArgumentNullException.ThrowIfNull(request, nameof(requests));
            if (askTimeout is { } longest) askTimeout = AskTimeoutFor(request) is { } t ? (t > longest ? t : longest) : null;
        }
        var batch = new HelperRequestBatch(requests);
        var answer = UsesLocalReplies
            ? await SendLocal<HelperBatchResponse>(batch, askTimeout, cancellationToken).ConfigureAwait(false)
            : await AskAsync<HelperBatchResponse>(batch, askTimeout, cancellationToken).ConfigureAwait(false);
        return answer.Results;
    }

    // The helper actor's request inbox once it has one (its first incarnation may not be constructed yet).
    private RequestInbox? Inbox() => _inbox ?? (_mayHaveInbox ? _inbox = RequestInbox.Find(Helper) : null);

    /// <summary>Sends <paramref name="message"/> (a request or a batch) with a <see cref="LocalReply{T}"/>
    /// as its sender, for a target that answers in this process: the reply's task is the call's; through
    /// the actor's <see cref="RequestInbox"/> when it has one, else its mailbox. Its
    /// deadline (<paramref name="timeout"/>) and the caller's token cancel the request at the actor
    /// when they come first.</summary>
    private Task<T> SendLocal<T>(object message, TimeSpan? timeout, CancellationToken cancellationToken) where T : class
    {
        var reply = new LocalReply<T>(((IInternalActorRef)Helper).Provider, Helper, timeout);
        if (Inbox()?.TryPost(message, reply) != true) Helper.Tell(message, reply);
        reply.Arm(cancellationToken);
        return reply.Task;
    }

    /// <summary>Sends <paramref name="message"/> (a request or a batch) with Akka's Ask and waits for
    /// the answer up to <paramref name="timeout"/>; when the caller stops waiting (token or timeout)
    /// the actor is told to cancel what it still holds of the Ask's.</summary>
    private async Task<T> AskAsync<T>(object message, TimeSpan? timeout, CancellationToken cancellationToken) where T : class
    {
        IActorRef? requester = null;
        object answer;
        try
        {
            answer = await Helper.Ask<object>(sender =>
            {
                requester = sender;
                return message;
            }, timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or AskTimeoutException && requester is not null)
        {
            // The caller stops waiting: so does the request, or it would hold a slot and run on.
            Helper.Tell(new CancelHelperRequest(requester!));
            throw;
        }
        return Expect<T>(answer);
    }

    private static readonly TimeSpan StoppedAnswerGrace = TimeSpan.FromMilliseconds(500);

    /// <summary>Completes once a helper is ready (<see cref="NotifyWhenReady"/>): at once when the
    /// current one is, else when the next one says <c>$/hello</c>. Pass the pid of a helper that just
    /// failed as <paramref name="replacingPid"/> to wait for its replacement.</summary>
    /// <param name="replacingPid">A pid not to accept (0: any).</param>
    /// <param name="timeout">How long to wait; default the client's ask timeout.</param>
    /// <param name="cancellationToken">Stops the wait (the actor is not affected).</param>
    /// <exception cref="Failures.HelperFailureException">The actor gave its helper up first (stop or
    /// escalate): the failure that ended it.</exception>
    /// <exception cref="HelperStoppedException">The actor stopped first.</exception>
    /// <exception cref="AskTimeoutException">No ready helper within <paramref name="timeout"/>.</exception>
    public async Task<HelperReady> WhenReadyAsync(int replacingPid = 0, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        // An actor that stopped before the request reached it never answers: watch it, so the wait
        // ends with HelperStoppedException at once instead of an AskTimeoutException much later.
        using var stopWatching = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var ask = Helper.Ask<object>(new NotifyWhenReady(replacingPid), timeout ?? _askTimeout, cancellationToken);
        var stopped = Helper.WatchAsync(stopWatching.Token);
        if (await Task.WhenAny(ask, stopped).ConfigureAwait(false) == stopped && !ask.IsCompleted)
        {
            // The actor's last answer (the failure that ended its helper) and its termination travel
            // separately: give the answer a moment to arrive before calling it a plain stop.
            await Task.WhenAny(ask, Task.Delay(StoppedAnswerGrace, cancellationToken)).ConfigureAwait(false);
            if (!ask.IsCompleted && !cancellationToken.IsCancellationRequested)
            {
                _ = ask.ContinueWith(static t => t.Exception, TaskScheduler.Default); // observed: it can only time out
                throw new HelperStoppedException(Helper.Path.Name);
            }
        }
        await stopWatching.CancelAsync().ConfigureAwait(false);
        var answer = await ask.ConfigureAwait(false);
        return Expect<HelperReady>(answer);
    }

    /// <summary>Stops the actor (<see cref="StopHelper"/>) and completes once its helper is gone:
    /// reaped, its cgroup removed.</summary>
    /// <param name="timeout">How long to wait; default the client's ask timeout. Keep it above the
    /// actor's <see cref="HelperOptions.StopGracePeriod"/> (twice it, for a helper that ignores
    /// SIGTERM).</param>
    /// <exception cref="AskTimeoutException">The actor had already stopped, or the helper did not end
    /// within <paramref name="timeout"/>.</exception>
    public Task<HelperEnded> StopAsync(TimeSpan? timeout = null) => Helper.Ask<HelperEnded>(StopHelper.Instance, timeout ?? _askTimeout);

    private TimeSpan? AskTimeoutFor(HelperRequest request)
    {
        if (request.Timeout is not { } timeout || !RequestTimeouts.IsValid(timeout)) return _askTimeout;
        // Beyond the longest timer wait there is no Ask timeout: the caller's token is the way out.
        if (timeout == Timeout.InfiniteTimeSpan || timeout > HelperOptions.MaxRequestTimeout - AskGrace) return null;
        return timeout + AskGrace;
    }

    // The answer the actor sends for this call, the typed failure it sent thrown as itself, or a
    // clear error for anything else.
    private T Expect<T>(object answer) where T : class
    {
        var result = HelperAnswer.Unwrap<T>(answer, Helper, out var failure);
        if (failure is not null) ExceptionDispatchInfo.Throw(failure);
        return result!;
    }
}
