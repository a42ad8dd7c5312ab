using System.Collections.Concurrent;
using System.Diagnostics;
using Akka.Actor;
using UmhActors.Protocol.Control;
using UmhActors.Protocol.Framing;
using UmhActors.Requests;

namespace UmhActors.Helpers;

/// <summary>
/// Correlation and flow control for one helper actor: msgids, the requests in flight (a table the
/// reactor-side <see cref="HelperFrameReceiver"/> answers from), the bounded queue behind them, and
/// their deadlines. Owned by the actor; only the in-flight table is shared with the reactor.
/// Methods return true when they queued frames on the channel, so the caller schedules a flush.
/// </summary>
internal sealed class RequestBook(string helperName, HelperOptions options)
{
    private readonly Queue<QueuedRequest> _queue = new();
    private uint _lastMsgId;

    public ConcurrentDictionary<uint, PendingRequest> InFlight { get; } = new();

    public int QueuedCount => _queue.Count;

    public bool IsIdle => InFlight.IsEmpty && _queue.Count == 0;

    /// <summary>Sends <paramref name="request"/> to a ready helper with a free slot, else queues it,
    /// else rejects it as overloaded. Control methods are refused.</summary>
    public bool Submit(HelperRequest request, IActorRef sender, HelperIncarnation? current)
    {
        if (ControlMethods.IsControl(request.Method))
        {
            sender.Tell(new Status.Failure(new ArgumentException($"method names starting with '{ControlMethods.Prefix}' are reserved: {request.Method}")));
            return false;
        }
        // Array header, kind, msgid (≤ 5 bytes), method string header and bytes, then the params.
        var frameBytes = 1L + 1 + 5 + 5 + System.Text.Encoding.UTF8.GetByteCount(request.Method) + request.RawParams.Length;
        if (frameBytes > options.Limits.MaxFrameSize)
        {
            sender.Tell(new Status.Failure(new HelperRequestTooLargeException(helperName, request.Method, frameBytes, options.Limits.MaxFrameSize)));
            return false;
        }
        var timeout = TimeoutOf(request);
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        if (current is { Ready: true } && _queue.Count == 0 && current.InFlight < options.MaxInFlight)
        {
            Send(current, request, sender, deadline, timeout);
            return true;
        }
        if (_queue.Count < options.MaxQueued)
        {
            _queue.Enqueue(new QueuedRequest(request, sender, deadline, timeout));
            if (current is not null) current.Receiver.ActorHasQueue = true;
            return false;
        }
        sender.Tell(new Status.Failure(new HelperOverloadedException(helperName, options.MaxInFlight, options.MaxQueued)));
        return false;
    }

    /// <summary>The timeout that applies to <paramref name="request"/>.</summary>
    public TimeSpan TimeoutOf(HelperRequest request) => request.Timeout ?? options.RequestTimeout;

    /// <summary>Moves queued requests into free slots of a ready helper, failing those already expired.</summary>
    public bool Drain(HelperIncarnation? current)
    {
        if (current is not { Ready: true }) return false;
        var sent = false;
        while (_queue.Count > 0 && current.InFlight < options.MaxInFlight)
        {
            var next = _queue.Dequeue();
            if (next.DeadlineTimestamp <= Stopwatch.GetTimestamp())
            {
                next.Sender.Tell(new Status.Failure(new HelperTimeoutException(helperName, next.Request.Method, next.Timeout, wasSent: false)));
                continue;
            }
            Send(current, next.Request, next.Sender, next.DeadlineTimestamp, next.Timeout);
            sent = true;
        }
        current.Receiver.ActorHasQueue = _queue.Count > 0;
        return sent;
    }

    /// <summary>Fails every request past its deadline: in flight ones are also cancelled at the
    /// helper with <c>$/cancel</c>; then refills the freed slots.</summary>
    public bool Expire(HelperIncarnation? current)
    {
        var now = Stopwatch.GetTimestamp();
        var wrote = false;
        foreach (var (msgId, request) in InFlight)
        {
            if (request.DeadlineTimestamp > now || !InFlight.TryRemove(msgId, out _)) continue;
            request.Sender.Tell(new Status.Failure(new HelperTimeoutException(helperName, request.Method, request.Timeout, wasSent: true)));
            if (current is null) continue;
            current.TimedOut++;
            wrote |= current.Channel.Enqueue(msgId, static (output, id) => ControlFrames.WriteCancel(output, id));
        }

        if (_queue.Any(q => q.DeadlineTimestamp <= now))
        {
            var keep = _queue.Where(q => q.DeadlineTimestamp > now).ToList();
            foreach (var expired in _queue.Where(q => q.DeadlineTimestamp <= now))
                expired.Sender.Tell(new Status.Failure(new HelperTimeoutException(helperName, expired.Request.Method, expired.Timeout, wasSent: false)));
            _queue.Clear();
            foreach (var queued in keep) _queue.Enqueue(queued);
        }
        return Drain(current) | wrote;
    }

    /// <summary>Fails every request in flight with <paramref name="failure"/>.</summary>
    public void FailInFlight(Exception failure)
    {
        foreach (var msgId in InFlight.Keys)
        {
            if (InFlight.TryRemove(msgId, out var request))
                request.Sender.Tell(new Status.Failure(failure));
        }
    }

    /// <summary>Fails every queued request with <paramref name="failure"/>.</summary>
    public void FailQueued(Exception failure)
    {
        while (_queue.Count > 0)
            _queue.Dequeue().Sender.Tell(new Status.Failure(failure));
    }

    private void Send(HelperIncarnation current, HelperRequest request, IActorRef sender, long deadline, TimeSpan timeout)
    {
        var msgId = ++_lastMsgId;
        InFlight[msgId] = new PendingRequest(sender, request.Method, deadline, timeout);
        current.Dispatched++;
        current.Channel.Enqueue((msgId, request), static (output, state) =>
            FrameWriter.WriteRequest(output, state.msgId, state.request.Method, state.request.RawParams.Span));
    }
}
