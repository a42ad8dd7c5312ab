using Akka.Actor;
using Akka.Event;
using Akka.Routing;
using UmhActors.Helpers;
using UmhActors.Native.Blobs;
using UmhActors.Requests;

namespace UmhActors.Hosting;

/// <summary>
/// A pool of <see cref="HelperActor"/>s running one blob behind one address: routes each
/// <see cref="HelperRequest"/> to a helper (<see cref="HelperRouting"/>), keeping the caller as sender so
/// the helper answers it directly; grows and shrinks on <see cref="ResizeHelperPool"/>.
/// </summary>
/// <remarks>
/// <para>Not an Akka pool router, for three reasons: a <see cref="CancelHelperRequest"/> must reach the
/// helper holding the request (a router would send it to any routee; the pool sends it to all, and only
/// the holder acts), a surplus helper must drain its in-flight requests before it stops (Akka's
/// <c>AdjustPoolSize</c> sends it a <c>PoisonPill</c>, which fails them), and a helper's load is its
/// in-flight requests, which an actor's mailbox size does not show.</para>
/// <para>Each helper actor is a child supervising its own helper with the policy table; one that stops
/// (its policy said stop, or its restart intensity ran out) leaves the pool smaller and is not replaced
/// (a <see cref="ResizeHelperPool"/> brings the pool back to size). With no helper left, requests fail at
/// once with <see cref="HelperStoppedException"/>.</para>
/// </remarks>
public sealed class HelperPoolActor : UntypedActor, IWithTimers
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);
    private const int VirtualNodesFactor = 10;

    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly string _name;
    private readonly HelperBlob _blob;
    private readonly HelperOptions _options;
    private readonly HelperRouting _routing;
    private readonly int _initialSize;
    private readonly TimeSpan _drainTimeout;
    private readonly List<Routee> _active = [];
    // The same helpers by actor ref, for what arrives from them (statuses, Terminated) and for the hash ring.
    private readonly Dictionary<IActorRef, Routee> _byActor = [];
    private readonly Dictionary<IActorRef, DateTime> _draining = [];
    private readonly RequestInbox _inbox;
    private readonly Action<object, IActorRef> _receivePosted;
    private ConsistentHash<IActorRef>? _ring;
    private int _next;
    private long _serial;
    private bool _restarting;

    private HelperPoolActor(string name, HelperBlob blob, HelperOptions options, int size, HelperRouting routing)
    {
        _name = name;
        _blob = blob;
        _options = options;
        _initialSize = size;
        _routing = routing;
        // A surplus helper's requests end by their own deadline; one more second covers the last answer.
        _drainTimeout = options.RequestTimeout == Timeout.InfiniteTimeSpan || options.RequestTimeout > TimeSpan.FromMinutes(5)
            ? TimeSpan.FromMinutes(5)
            : options.RequestTimeout + TimeSpan.FromSeconds(1);
        _inbox = RequestInbox.Of((ActorCell)Context);
        _receivePosted = Receive;
    }

    /// <inheritdoc />
    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>The props of a pool of <paramref name="size"/> helpers running <paramref name="blob"/>;
    /// its helper actors are named <c>NAME-1</c>, <c>NAME-2</c>… (numbers never reused).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="size"/> is below 1.</exception>
    public static Props Props(string name, HelperBlob blob, int size, HelperOptions options, HelperRouting routing = HelperRouting.RoundRobin)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(blob);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        if (!Enum.IsDefined(routing)) throw new ArgumentOutOfRangeException(nameof(routing), routing, "unknown routing");
        return Akka.Actor.Props.CreateBy(new Producer(name, blob, options, size, routing));
    }

    /// <inheritdoc />
    protected override void PreStart()
    {
        Resize(_initialSize);
        Timers.StartPeriodicTimer(nameof(PollTick), PollTick.Instance, PollInterval);
    }

    /// <inheritdoc />
    protected override void PreRestart(Exception reason, object message)
    {
        // PostStop runs next, for this incarnation only: the inbox stays open for the next one.
        _restarting = true;
        base.PreRestart(reason, message);
    }

    /// <inheritdoc />
    protected override void PostStop()
    {
        if (!_restarting) _inbox.CloseToDeadLetters(Context.System);
        base.PostStop();
    }

    /// <inheritdoc />
    protected override void OnReceive(object message)
    {
        // HelperClient posts requests to the pool's inbox: a window of them is routed in one turn.
        if (message is DrainRequestInbox) _inbox.Drain(_receivePosted);
        else Receive(message, Sender);
    }

    // Every message, from the mailbox or the inbox, with the sender its envelope carried.
    private void Receive(object message, IActorRef sender)
    {
        switch (message)
        {
            case HelperRequest request:
                Route(request, sender);
                break;
            case HelperRequestBatch batch:
                RouteBatch(batch, sender);
                break;
            case CancelHelperRequest cancel:
                // Only the helper holding the requester's request acts on it; the others ignore it.
                foreach (var routee in _active) routee.Actor.Tell(cancel, sender);
                foreach (var routee in _draining.Keys) routee.Tell(cancel, sender);
                break;
            case ResizeHelperPool { Size: < 1 } resize:
                sender.Tell(new Status.Failure(new ArgumentOutOfRangeException(nameof(resize.Size), resize.Size, "a helper pool needs at least one helper")));
                break;
            case ResizeHelperPool resize:
                Resize(resize.Size);
                sender.Tell(Snapshot());
                break;
            case GetHelperPoolRoutees:
                sender.Tell(Snapshot());
                break;
            case PollTick:
                Poll();
                break;
            case HelperStatus status:
                OnStatus(status, sender);
                break;
            case Terminated terminated:
                OnTerminated(terminated.ActorRef);
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    private void Route(HelperRequest request, IActorRef sender)
    {
        if (_active.Count == 0)
        {
            sender.Tell(new Status.Failure(new HelperStoppedException(_blob.Name)));
            return;
        }
        var routee = _routing switch
        {
            HelperRouting.ConsistentHash when request.RoutingKey is { } key => _byActor[_ring!.NodeFor(key)],
            HelperRouting.SmallestMailbox => _active.MinBy(r => r.Load)!,
            _ => _active[_next++ % _active.Count],
        };
        if (_next == int.MaxValue) _next = 0;
        routee.Load++;
        routee.Deliver(request, sender);
    }

    // A batch goes whole to one helper (one message, one write), chosen as a request without a
    // routing key would be; unrouted, its Ask would only end at its timeout.
    private void RouteBatch(HelperRequestBatch batch, IActorRef sender)
    {
        if (_active.Count == 0)
        {
            sender.Tell(new Status.Failure(new HelperStoppedException(_blob.Name)));
            return;
        }
        var routee = _routing == HelperRouting.SmallestMailbox ? _active.MinBy(r => r.Load)! : _active[_next++ % _active.Count];
        if (_next == int.MaxValue) _next = 0;
        routee.Load += batch.Requests?.Count ?? 0;
        routee.Deliver(batch, sender);
    }

    private void Resize(int size)
    {
        while (_active.Count < size)
        {
            var routee = new Routee(Context.ActorOf(HelperActor.Props(_blob, _options), $"{_name}-{++_serial}"));
            Context.Watch(routee.Actor);
            _active.Add(routee);
            _byActor[routee.Actor] = routee;
        }
        while (_active.Count > size)
        {
            var surplus = _active[^1].Actor;
            _active.RemoveAt(_active.Count - 1);
            _byActor.Remove(surplus);
            _draining[surplus] = DateTime.UtcNow + _drainTimeout;
            // Sent after every request routed to it, so its answer counts them all.
            surplus.Tell(GetHelperStatus.Instance);
        }
        _ring = RingOfActive();
    }

    private void Poll()
    {
        var now = DateTime.UtcNow;
        foreach (var (routee, deadline) in _draining)
        {
            if (now < deadline)
            {
                routee.Tell(GetHelperStatus.Instance);
                continue;
            }
            _log.Warning("helper pool {0}: {1} did not drain within {2}; stopping it fails what it still holds", _name, routee.Path.Name, _drainTimeout);
            Context.Stop(routee);
        }
        if (_routing == HelperRouting.SmallestMailbox)
            foreach (var routee in _active) routee.Actor.Tell(GetHelperStatus.Instance);
    }

    private void OnStatus(HelperStatus status, IActorRef routee)
    {
        if (_draining.ContainsKey(routee))
        {
            if (status.InFlight == 0 && status.Queued == 0) Context.Stop(routee);
        }
        else if (_byActor.TryGetValue(routee, out var active))
        {
            // Requests routed after the status request are missed until the next poll: an estimate.
            active.Load = status.InFlight + status.Queued;
        }
    }

    private void OnTerminated(IActorRef routee)
    {
        if (_draining.Remove(routee)) return;
        if (!_byActor.Remove(routee, out var stopped)) return;
        _active.Remove(stopped);
        _ring = RingOfActive();
        _log.Warning("helper pool {0}: {1} stopped; {2} helpers left", _name, routee.Path.Name, _active.Count);
    }

    private HelperPoolRoutees Snapshot() => new([.. _active.Select(r => r.Actor)], [.. _draining.Keys]);

    private ConsistentHash<IActorRef> RingOfActive() => ConsistentHash.Create(_active.Select(r => r.Actor), VirtualNodesFactor);

    // An active helper actor of the pool, with what the pool keeps about it. Held here rather than in
    // dictionaries keyed by the actor ref: hashing an IActorRef hashes its whole path, and routing did
    // it twice per request.
    private sealed class Routee(IActorRef actor)
    {
        private RequestInbox? _inbox;

        public IActorRef Actor { get; } = actor;

        // Requests in flight and queued as the pool estimates them (the last status plus what it routed since).
        public int Load { get; set; }

        // To the helper actor's request inbox, as HelperClient posts to a helper it addresses directly:
        // it takes a run of requests in one turn and writes them with one flush, instead of a mailbox
        // message and a flush message per few requests. A cancel sent later still reaches it after the
        // request (the inbox's drain message is queued at the post). Told the ordinary way while the
        // actor has no inbox yet (not constructed) or no more (stopped); the inbox, once found, is the
        // actor's for all its incarnations.
        public void Deliver(object message, IActorRef sender)
        {
            _inbox ??= RequestInbox.Find(Actor);
            if (_inbox?.TryPost(message, sender) != true) Actor.Tell(message, sender);
        }
    }

    // The constructor stays private: a pool is made through Props, which checks its arguments.
    private sealed class Producer(string name, HelperBlob blob, HelperOptions options, int size, HelperRouting routing) : IIndirectActorProducer
    {
        public Type ActorType => typeof(HelperPoolActor);

        public ActorBase Produce() => new HelperPoolActor(name, blob, options, size, routing);

        public void Release(ActorBase actor)
        {
        }
    }

    private sealed class PollTick
    {
        public static readonly PollTick Instance = new();
    }
}
