using System.Diagnostics;

namespace UmhActors.Helpers;

// The request inbox (RequestInbox): HelperClient's requests without a mailbox message each.
public sealed partial class HelperActor
{
    // Each post is received as its envelope would have been, in posting order; the frames the run
    // queued leave in one flush at its end.
    private void DrainInbox()
    {
        _draining = true;
        _drainStartedAt = Stopwatch.GetTimestamp();
        try
        {
            _inbox.Drain(_receivePosted);
        }
        finally
        {
            _draining = false;
            _drainStartedAt = 0;
        }
        if (!_flushAfterDrain) return;
        _flushAfterDrain = false;
        Flush();
    }
}
