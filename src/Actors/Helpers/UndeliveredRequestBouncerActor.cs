using Akka.Actor;
using Akka.Event;
using UmhActors.Requests;

namespace UmhActors.Helpers;

/// <summary>The <see cref="UndeliveredRequestBouncer"/>'s actor: turns each dead-lettered request
/// back to its sender as a <see cref="HelperRequestUndeliveredException"/>.</summary>
internal sealed class UndeliveredRequestBouncerActor : UntypedActor
{
    // Envelopes nest (a Dropped holding a ShardingEnvelope holding a sharded request); a bound, so
    // a pathological wrapper cannot spin this actor.
    private const int MaxUnwrap = 8;

    protected override void OnReceive(object message)
    {
        if (message is AllDeadLetters letter && Bounce(letter, Context.System.DeadLetters) is var (sender, failure))
            sender.Tell(new Status.Failure(failure), ActorRefs.NoSender);
    }

    /// <summary>The sender to answer and the failure to answer with, or null when
    /// <paramref name="letter"/> holds no request or has nobody to answer.</summary>
    internal static (IActorRef Sender, HelperRequestUndeliveredException Failure)? Bounce(AllDeadLetters letter, IActorRef deadLetters)
    {
        var message = letter.Message;
        var sender = letter.Sender;
        var recipient = letter.Recipient;
        var reason = letter is UnhandledMessage ? "not handled by its recipient" : "the recipient is gone";
        // Akka reports a drop by sending Dropped to deadLetters, which may publish it wrapped in a DeadLetter.
        if ((letter as Dropped ?? message as Dropped) is { } dropped)
        {
            message = dropped.Message;
            sender = dropped.Sender;
            reason = dropped.Reason;
            if (!dropped.Recipient.IsNobody()) recipient = dropped.Recipient;
        }
        for (var depth = 0; message is not HelperRequest && message is IWrappedMessage wrapped && depth < MaxUnwrap; depth++)
            message = wrapped.Message;
        if (message is not HelperRequest request || sender.IsNobody() || sender.Equals(deadLetters)) return null;
        var to = recipient.IsNobody() ? "an actor" : recipient.Path.ToString();
        return (sender, new HelperRequestUndeliveredException(request.Method, to, reason));
    }
}
