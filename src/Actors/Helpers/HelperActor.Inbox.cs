using System.Diagnostics;
using Akka.Actor;
using Akka.Event;

namespace UmhActors.Helpers;

// The request inbox (RequestInbox): HelperClient's requests without a mailbox message each.
public sealed partial class HelperActor
{
    // Each post is received as its envelope would have been, in posting order; the frames the run
    // queued leave in one flush at its end.
    private void DrainInbox()
    {
        var posted = _inbox.Take();
        if (posted.Count == 0) return;
        _draining = true;
        _drainStartedAt = Stopwatch.GetTimestamp();
        var next = 0;
        try
        {
            while (next < posted.Count)
            {
                var (message, sender) = posted[next++];
                Receive(message, sender);
            }
        }
        finally
        {
            _draining = false;
            _drainStartedAt = 0;
            // A post that threw is lost, as the mailbox message that fails an actor is; those after it are not.
            if (next < posted.Count) _inbox.ReturnUntaken(posted, next);
            // The run's requests and reply refs are done with: an idle actor must not keep its last burst alive.
            posted.Clear();
        }
        if (!_flushAfterDrain) return;
        _flushAfterDrain = false;
        Flush();
    }

    // As a stopped actor's mailbox: what is left goes to dead letters, where a request is answered
    // with HelperRequestUndeliveredException (never given to the helper, so safe to retry).
    private void CloseInbox()
    {
        foreach (var (message, sender) in _inbox.Close())
            Context.System.DeadLetters.Tell(new DeadLetter(message, sender, Self), sender);
    }
}
