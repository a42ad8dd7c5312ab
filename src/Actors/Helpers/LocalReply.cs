using Akka.Actor;

namespace UmhActors.Helpers;

/// <summary>
/// A one-shot reply address for a request to a local helper actor: the actor answers the request's
/// sender with a Tell as always, and this ref completes the caller's task with the answer. Unlike
/// Akka's Ask it is not registered in the provider's temp container (no shared dictionary by name,
/// no lock), and it completes the task on the thread pool, never on the thread that answered (the
/// helper's reactor thread or the actor's thread), so a caller's continuation runs on neither.
/// </summary>
/// <remarks>
/// <para>The first answer wins (<see cref="TryAnswer"/>: one compare-and-swap), whoever gives it: the
/// response or failure from the actor or the reactor, the deadline (<see cref="ReplyDeadlines"/>), or
/// the caller's token. Completing the task is a separate step (<see cref="Complete"/>, a thread-pool
/// work item): answers read together from the helper's stdout are completed by one work item
/// (<see cref="ReplyCompletionBatch"/>) instead of one thread-pool dispatch each.</para>
/// <para>Only for targets that answer in this process (see <see cref="LocalReplyTargets"/>): being
/// unregistered, the ref cannot be resolved from its path, so a remote node could not answer it.
/// Its path is made on first use only (equality, as in <see cref="CancelHelperRequest"/>, and logs),
/// a temp path of the provider, so every reply ref is distinct.</para>
/// </remarks>
internal abstract class LocalReply : MinimalActorRef, IThreadPoolWorkItem
{
    private const int Fresh = 0;
    private const int Armed = 1;
    private const int Done = 2;

    /// <summary>The answer when the caller's token was cancelled first.</summary>
    private protected static readonly object CancelledMarker = new();

    /// <summary>The answer when the deadline passed first.</summary>
    private protected static readonly object ExpiredMarker = new();

    private readonly IActorRefProvider _provider;
    private ActorPath? _path;
    private object? _answer;
    private int _state;
    private CancellationTokenRegistration _cancellation;

    protected LocalReply(IActorRefProvider provider, IActorRef target, TimeSpan? timeout)
    {
        _provider = provider;
        Target = target;
        Timeout = timeout;
    }

    /// <summary>Who the request went to (told to cancel it when the caller stops waiting).</summary>
    public IActorRef Target { get; }

    /// <summary>The wait this reply allows (null: none, the caller's token is the way out).</summary>
    public TimeSpan? Timeout { get; }

    /// <summary>The caller's token, once it cancelled the call.</summary>
    private protected CancellationToken CancelledBy { get; private set; }

    /// <summary>The answer that won (<see cref="CancelledMarker"/> and <see cref="ExpiredMarker"/> included).</summary>
    private protected object Answer => Volatile.Read(ref _answer)!;

    // Deadline bookkeeping, owned by ReplyDeadlines (under its stripe's lock).
    internal long DeadlineTimestamp; // Environment.TickCount64 milliseconds
    internal LocalReply? DeadlinePrevious;
    internal LocalReply? DeadlineNext;
    internal int DeadlineStripe = -1;

    public override ActorPath Path
    {
        get
        {
            if (_path is { } path) return path;
            Interlocked.CompareExchange(ref _path, _provider.TempPath(), null);
            return _path;
        }
    }

    public override IActorRefProvider Provider => _provider;

    /// <summary>Starts the deadline and watches <paramref name="cancellationToken"/>. Called once,
    /// after the request was told (so a <see cref="CancelHelperRequest"/> always follows its request
    /// into the mailbox); an answer may already have come.</summary>
    public void Arm(CancellationToken cancellationToken)
    {
        if (Timeout is { } timeout) ReplyDeadlines.Add(this, timeout);
        if (cancellationToken.CanBeCanceled)
            _cancellation = cancellationToken.UnsafeRegister(static (state, token) => ((LocalReply)state!).Cancel(token), this);
        // Answered (and maybe completed) meanwhile: Complete saw Fresh and left the disarming to this.
        if (Interlocked.CompareExchange(ref _state, Armed, Fresh) != Fresh) Disarm();
    }

    /// <summary>Records <paramref name="message"/> as the answer if none came first; the caller then
    /// gets <see cref="Complete"/> run on the thread pool (alone or in a <see cref="ReplyCompletionBatch"/>).</summary>
    public bool TryAnswer(object message) => Interlocked.CompareExchange(ref _answer, message, null) is null;

    protected override void TellInternal(object message, IActorRef sender)
    {
        if (TryAnswer(message)) Schedule();
    }

    /// <summary>The deadline passed with no answer: fail as Akka's Ask would, and cancel the request.</summary>
    public void Expire()
    {
        if (!TryAnswer(ExpiredMarker)) return;
        Target.Tell(new CancelHelperRequest(this));
        Schedule();
    }

    private void Cancel(CancellationToken token)
    {
        CancelledBy = token;
        if (!TryAnswer(CancelledMarker)) return;
        Target.Tell(new CancelHelperRequest(this));
        Schedule();
    }

    private void Schedule() => ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);

    void IThreadPoolWorkItem.Execute() => Complete();

    /// <summary>Stops the deadline and the token's watch, then completes the caller's task with the
    /// answer (its continuation may run here, inline). Thread pool only, after <see cref="TryAnswer"/> won.</summary>
    public void Complete()
    {
        if (Interlocked.Exchange(ref _state, Done) == Armed) Disarm();
        SetTask(Answer);
    }

    /// <summary>Stops the deadlines and the token watches of <paramref name="replies"/> (each answered
    /// with <see cref="TryAnswer"/>), the deadlines with one lock per stripe instead of one per reply;
    /// each is then completed with <see cref="CompleteDisarmed"/>. For a batch of answers read together.</summary>
    public static void DisarmAll(ReadOnlySpan<LocalReply> replies)
    {
        var anyDeadline = false;
        foreach (var reply in replies)
        {
            // Fresh: its Arm has not run yet and will disarm when it sees Done.
            if (Interlocked.Exchange(ref reply._state, Done) != Armed) continue;
            reply._cancellation.Unregister();
            anyDeadline |= reply.Timeout is not null;
        }
        if (anyDeadline) ReplyDeadlines.RemoveAll(replies);
    }

    /// <summary>Completes the caller's task with the answer, once <see cref="DisarmAll"/> ran for this reply.</summary>
    public void CompleteDisarmed() => SetTask(Answer);

    private void Disarm()
    {
        if (Timeout is not null) ReplyDeadlines.Remove(this);
        _cancellation.Unregister();
    }

    /// <summary>Completes the caller's task with <paramref name="answer"/>.</summary>
    private protected abstract void SetTask(object answer);

    private protected Exception TimeoutFailure() =>
        new AskTimeoutException($"Timeout after {Timeout} seconds: no answer from {Target.Path}");
}
