using Akka.Actor;
using UmhActors.Requests;

namespace UmhActors.Helpers;

// HandOffHelper: finish what was accepted, turn new requests away, then stop. Kept apart from the
// request path: OnReceive offers every message here first, and this claims only what a hand-off changes.
public sealed partial class HelperActor
{
    private const string HandOffTimer = "hand-off";

    // How often a draining actor checks whether its last request ended: answers go to the callers
    // straight from the reactor, which does not tell the actor.
    private static readonly TimeSpan HandOffPollInterval = TimeSpan.FromMilliseconds(10);

    private bool _handingOff;

    /// <summary>True when <paramref name="message"/> was handled as part of a hand-off.</summary>
    private bool OnHandOff(object message, IActorRef sender)
    {
        if (!_handingOff)
        {
            if (message is not HandOffHelper) return false;
            _handingOff = true;
            StopWhenIdle();
            return true;
        }
        switch (message)
        {
            case HelperRequest request:
                // Never given to the helper, so not executed: the caller may retry it at the new owner.
                sender.Tell(new Status.Failure(new HelperRequestUndeliveredException(request.Method, Self.Path.ToString(), "the helper actor is handing off")));
                return true;
            case HandOffDrainTick:
                StopWhenIdle();
                return true;
            case HandOffHelper:
                return true;
            default:
                // Answers, timeouts, a crash and its restart (queued requests still get served) as usual.
                return false;
        }
    }

    private void StopWhenIdle()
    {
        if (_requests.IsIdle) Context.Stop(Self);
        else if (!Timers.IsTimerActive(HandOffTimer)) Timers.StartPeriodicTimer(HandOffTimer, HandOffDrainTick.Instance, HandOffPollInterval);
    }

    private sealed class HandOffDrainTick
    {
        public static readonly HandOffDrainTick Instance = new();
    }
}
