using Akka.Actor;

namespace UmhActors.Guardian;

/// <summary>
/// Holds the launch permit of one guarded one-shot call for as long as the call runs. The guardian
/// counts a permit while its holder lives, so the holder must be an actor that outlives the call
/// (an Ask's temporary actor dies as soon as the permit arrives, and the permit with it).
/// </summary>
/// <remarks>Stopping the holder returns the permit; a holder that dies any other way is noticed by
/// the guardian, which then drops the permit too.</remarks>
internal sealed class OneShotPermitHolder : ReceiveActor
{
    private readonly IActorRef _guardian;
    private readonly TimeSpan _maxWait;
    private readonly TaskCompletionSource<long> _granted;
    private long? _permit;

    public OneShotPermitHolder(IActorRef guardian, TimeSpan maxWait, TaskCompletionSource<long> granted)
    {
        _guardian = guardian;
        _maxWait = maxWait;
        _granted = granted;
        Receive<LaunchPermitGranted>(g =>
        {
            _permit = g.PermitId;
            // The caller gave up (cancelled) before the permit came: give it back at once.
            if (!_granted.TrySetResult(g.PermitId)) Context.Stop(Self);
        });
        Receive<Status.Failure>(f =>
        {
            _granted.TrySetException(f.Cause);
            Context.Stop(Self);
        });
    }

    protected override void PreStart() => _guardian.Tell(new RequestLaunchPermit(TryOnly: false, _maxWait));

    protected override void PostStop()
    {
        _granted.TrySetException(new InvalidOperationException("the one-shot call's permit holder stopped before a permit was granted"));
        if (_permit is { } permit) _guardian.Tell(new ReturnLaunchPermit(permit));
    }
}
