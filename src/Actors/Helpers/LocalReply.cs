using Akka.Actor;

namespace UmhActors.Helpers;

/// <summary>
/// A one-shot reply address for a request to a local helper actor: the actor answers the request's
/// sender with a Tell as always, and this ref completes a task with the answer. Unlike Akka's Ask it
/// is not registered in the provider's temp container (no shared dictionary by name, no lock), and
/// its task runs the caller's continuation on the thread pool, never on the thread that answers (the
/// helper's reactor thread).
/// </summary>
/// <remarks>
/// Only for targets that answer in this process (see <see cref="LocalReplyTargets"/>): being
/// unregistered, the ref cannot be resolved from its path, so a remote node could not answer it.
/// Its path is made on first use only (equality, as in <see cref="CancelHelperRequest"/>, and logs),
/// a temp path of the provider, so every reply ref is distinct.
/// </remarks>
internal sealed class LocalReply : MinimalActorRef
{
    private readonly TaskCompletionSource<object> _answer = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly IActorRefProvider _provider;
    private readonly IActorRef _target;
    private ActorPath? _path;

    public LocalReply(IActorRefProvider provider, IActorRef target, TimeSpan? timeout)
    {
        _provider = provider;
        _target = target;
        Timeout = timeout;
    }

    /// <summary>The wait this reply allows (null: none, the caller's token is the way out).</summary>
    public TimeSpan? Timeout { get; }

    /// <summary>Completes with the first answer: the response, or a <see cref="Status.Failure"/>.</summary>
    public Task<object> Answer => _answer.Task;

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

    protected override void TellInternal(object message, IActorRef sender) => _answer.TrySetResult(message);

    /// <summary>The deadline passed with no answer: fail as Akka's Ask would.</summary>
    public void Expire() =>
        _answer.TrySetException(new AskTimeoutException($"Timeout after {Timeout} seconds: no answer from {_target.Path}"));

    public void Cancel(CancellationToken token) => _answer.TrySetCanceled(token);
}
