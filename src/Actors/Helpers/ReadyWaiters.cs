using Akka.Actor;

namespace UmhActors.Helpers;

/// <summary>The askers of <see cref="NotifyWhenReady"/> still waiting for a ready helper. Owned by
/// one actor instance; every waiter is answered exactly once (ready, or failed when the actor gives
/// its helper up or stops).</summary>
internal sealed class ReadyWaiters
{
    private readonly List<(IActorRef Asker, int ReplacingPid)> _waiting = [];

    public void Add(IActorRef asker, int replacingPid) => _waiting.Add((asker, replacingPid));

    /// <summary>Answers those waiting for a helper other than the one <paramref name="ready"/> names.</summary>
    public void Ready(HelperReady ready)
    {
        for (var i = _waiting.Count - 1; i >= 0; i--)
        {
            if (_waiting[i].ReplacingPid == ready.Pid) continue;
            _waiting[i].Asker.Tell(ready);
            _waiting.RemoveAt(i);
        }
    }

    /// <summary>Fails every waiter with <paramref name="cause"/>.</summary>
    public void Fail(Exception cause)
    {
        foreach (var (asker, _) in _waiting) asker.Tell(new Status.Failure(cause));
        _waiting.Clear();
    }
}
