using Akka.Actor;

namespace UmhActors.Helpers;

/// <summary>
/// Who receives a helper's notifications and stderr lines. Shared by every incarnation of one
/// helper actor (so subscriptions survive restarts) and read lock-free from the reactor thread
/// (copy on write).
/// </summary>
internal sealed class HelperEventSubscribers
{
    private readonly object _gate = new();
    private IActorRef[] _subscribers = [];

    public IReadOnlyList<IActorRef> Current => Volatile.Read(ref _subscribers);

    public void Add(IActorRef subscriber)
    {
        lock (_gate)
        {
            if (!_subscribers.Contains(subscriber)) Volatile.Write(ref _subscribers, [.. _subscribers, subscriber]);
        }
    }

    public void Remove(IActorRef subscriber)
    {
        lock (_gate) Volatile.Write(ref _subscribers, _subscribers.Where(s => !s.Equals(subscriber)).ToArray());
    }

    public void Publish(object message)
    {
        foreach (var subscriber in Volatile.Read(ref _subscribers)) subscriber.Tell(message, ActorRefs.NoSender);
    }
}
