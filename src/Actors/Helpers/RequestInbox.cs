using System.Runtime.CompilerServices;
using Akka.Actor;
using Akka.Event;

namespace UmhActors.Helpers;

/// <summary>
/// Requests that <see cref="HelperClient"/> posts to a local <see cref="HelperActor"/> or
/// <see cref="Hosting.HelperPoolActor"/> (and a pool to its helper actors) without a mailbox message
/// each. Callers append under a short lock; the first post of a run sends the actor
/// one <see cref="DrainRequestInbox"/>, under the same lock, and the actor takes the whole run when it
/// gets that message. So while the inbox holds posts, a drain message not yet taken is in the mailbox
/// ahead of anything sent after them, from any thread: a cancel or a stop sent after a request never
/// overtakes it. The run's frames leave in one flush. A request then costs an append instead of an envelope, a mailbox dispatch and
/// an invocation, and a pipelined window of 512 is one actor turn instead of seventeen (the mailbox
/// yields its thread every 30 messages).
/// </summary>
/// <remarks>One inbox per actor cell, kept across restarts as the mailbox is: requests posted while
/// the actor restarts wait for the new incarnation. Closed when the actor stops for good; what it
/// still holds then goes to dead letters, as a stopped actor's mailbox does, and later posts are
/// refused so the caller sends them the ordinary way.</remarks>
internal sealed class RequestInbox
{
    private static readonly ConditionalWeakTable<ActorCell, RequestInbox> Inboxes = new();

    private readonly Lock _gate = new();
    private readonly IActorRef _actor;
    private List<PostedRequest> _posted = [];
    private List<PostedRequest> _taken = [];
    // A DrainRequestInbox not yet taken is in the mailbox: later posts need not send another.
    private bool _drainSent;
    private bool _closed;

    private RequestInbox(IActorRef actor) => _actor = actor;

    /// <summary>The inbox of <paramref name="cell"/>'s actor, made on first use (each incarnation of a
    /// <see cref="HelperActor"/> and <see cref="Hosting.HelperPoolActor"/> asks in its constructor).</summary>
    public static RequestInbox Of(ActorCell cell) => Inboxes.GetValue(cell, static c => new RequestInbox(c.Self));

    /// <summary>The inbox of the local actor <paramref name="target"/>, or null while it has none (not a
    /// <see cref="HelperActor"/> or <see cref="Hosting.HelperPoolActor"/>, or not constructed yet).</summary>
    public static RequestInbox? Find(IActorRef target) =>
        target is ActorRefWithCell { Underlying: ActorCell cell } && Inboxes.TryGetValue(cell, out var inbox) ? inbox : null;

    /// <summary>Queues <paramref name="message"/> from <paramref name="sender"/> for the actor; false
    /// once the actor stopped (send it with Tell then, to end in dead letters as any late message does).</summary>
    public bool TryPost(object message, IActorRef sender)
    {
        lock (_gate)
        {
            if (_closed) return false;
            _posted.Add(new PostedRequest(message, sender));
            SendDrainLocked();
            return true;
        }
    }

    // Under the lock, so that no post made after this one can send a message that reaches the actor
    // before the drain does (a Tell only enqueues: nothing runs here that could come back to the lock).
    private void SendDrainLocked()
    {
        if (_drainSent) return;
        _drainSent = true;
        _actor.Tell(DrainRequestInbox.Instance, ActorRefs.NoSender);
    }

    /// <summary>Actor thread only, for a <see cref="DrainRequestInbox"/>: gives <paramref name="receive"/>
    /// every post waiting, in posting order, each with its sender, as its envelope would have been. A post
    /// that throws is lost, as the mailbox message that fails an actor is; those after it are put back.</summary>
    public void Drain(Action<object, IActorRef> receive)
    {
        var posted = Take();
        var next = 0;
        try
        {
            while (next < posted.Count)
            {
                var (message, sender) = posted[next++];
                receive(message, sender);
            }
        }
        finally
        {
            if (next < posted.Count) ReturnUntaken(posted, next);
            // The run's requests and reply refs are done with: an idle actor must not keep its last burst alive.
            posted.Clear();
        }
    }

    /// <summary>Actor thread only, when the actor stops for good (not for a restart): refuses later
    /// posts and sends what is still waiting to dead letters, as a stopped actor's mailbox does, where
    /// a request is answered with <see cref="Requests.HelperRequestUndeliveredException"/> (never given
    /// to a helper, so safe to retry).</summary>
    public void CloseToDeadLetters(ActorSystem system)
    {
        foreach (var (message, sender) in Close())
            system.DeadLetters.Tell(new DeadLetter(message, sender, _actor), sender);
    }

    // The next post sends another drain message.
    private List<PostedRequest> Take()
    {
        lock (_gate)
        {
            (_posted, _taken) = (_taken, _posted);
            _drainSent = false;
        }
        return _taken;
    }

    // Puts the posts of taken from `from` on back in front of any newer ones, when the post before them
    // threw (the actor then restarts or stops, and they are its next incarnation's, or dead letters).
    private void ReturnUntaken(List<PostedRequest> taken, int from)
    {
        lock (_gate)
        {
            _posted.InsertRange(0, taken.GetRange(from, taken.Count - from));
            SendDrainLocked();
        }
    }

    private List<PostedRequest> Close()
    {
        lock (_gate)
        {
            _closed = true;
            var left = _posted;
            _posted = [];
            return left;
        }
    }
}

/// <summary>A request (or batch) posted to a <see cref="RequestInbox"/>, with the reply target a
/// mailbox envelope would have carried as its sender.</summary>
internal readonly record struct PostedRequest(object Message, IActorRef Sender);

/// <summary>Tells a <see cref="HelperActor"/> that its <see cref="RequestInbox"/> has posts. Never
/// worth a dead-letter log line: the posts themselves go to dead letters if the actor is gone.</summary>
internal sealed class DrainRequestInbox : IDeadLetterSuppression
{
    public static DrainRequestInbox Instance { get; } = new();
}
