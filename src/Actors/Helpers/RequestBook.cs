using System.Diagnostics;
using Akka.Actor;
using UmhActors.Diagnostics;
using UmhActors.Protocol.Control;
using UmhActors.Protocol.Framing;
using UmhActors.Requests;

namespace UmhActors.Helpers;

/// <summary>
/// Correlation and flow control for one helper actor: msgids, the requests in flight (a table the
/// reactor-side <see cref="HelperFrameReceiver"/> answers from), the bounded queue behind them, and
/// their deadlines. Owned by the actor; only the in-flight table is shared with the reactor.
/// Methods return true when they queued frames on the channel, so the caller schedules a flush.
/// Every request that ends here (answered by the receiver, or failed, expired, cancelled or rejected
/// here) is reported to <see cref="Metrics"/>, which does nothing without a listener.
/// </summary>
internal sealed class RequestBook(string helperName, HelperOptions options, UmhMetrics? metrics = null)
{
    public UmhMetrics Metrics { get; } = metrics ?? UmhMetrics.Shared;

    private readonly Queue<QueuedRequest> _queue = new();

    // A plain msgpack-rpc helper knows no $/cancel: its late answer is dropped instead.
    private readonly bool _sendCancel = options.Control == ControlProtocol.Umh;
    private uint _lastMsgId;

    public PendingTable InFlight { get; } = new();

    public int QueuedCount => _queue.Count;

    public bool IsIdle => InFlight.IsEmpty && _queue.Count == 0;

    /// <summary>Sends <paramref name="request"/> to a ready helper with a free slot, else queues it,
    /// else rejects it as overloaded. A request the helper could not take (see
    /// <see cref="RequestValidator"/>) or with an invalid timeout is rejected alone, at once. A request
    /// of a batch is answered into <paramref name="batch"/> at <paramref name="batchIndex"/> instead of
    /// to <paramref name="sender"/>. <paramref name="acceptedAt"/>: the Stopwatch timestamp its
    /// timeout and duration count from, read once for a run of requests (0: read now).</summary>
    public bool Submit(HelperRequest request, IActorRef sender, HelperIncarnation? current, RequestBatchReply? batch = null, int batchIndex = 0, long acceptedAt = 0)
    {
        if (RequestValidator.Check(request, helperName, options.Limits) is { } invalid)
        {
            Reject(sender, batch, batchIndex, new Status.Failure(invalid));
            Metrics.RequestEnded(helperName, request.Method, Stopwatch.GetTimestamp(), RequestOutcome.Rejected, null);
            return false;
        }
        var requested = request.Timeout ?? options.RequestTimeout;
        if (!RequestTimeouts.IsValid(requested))
        {
            Reject(sender, batch, batchIndex, new Status.Failure(new InvalidHelperRequestException(helperName, request.Method, HelperRequestProblem.InvalidTimeout,
                $"the timeout {requested} is neither positive nor Timeout.InfiniteTimeSpan")));
            Metrics.RequestEnded(helperName, request.Method, Stopwatch.GetTimestamp(), RequestOutcome.Rejected, null);
            return false;
        }
        var timeout = RequestTimeouts.Effective(requested);
        var now = acceptedAt != 0 ? acceptedAt : Stopwatch.GetTimestamp();
        var deadline = RequestTimeouts.Deadline(timeout, now);
        if (current is { Ready: true } && _queue.Count == 0 && current.HasFreeSlot(options.MaxInFlight))
        {
            Send(current, request, sender, deadline, timeout, now, UmhTracing.StartRequest(helperName, request.Method, request.TraceParent), batch, batchIndex);
            return true;
        }
        if (_queue.Count < options.MaxQueued)
        {
            _queue.Enqueue(new QueuedRequest(request, sender, deadline, timeout, now, UmhTracing.StartRequest(helperName, request.Method, request.TraceParent))
            {
                Batch = batch,
                BatchIndex = batchIndex,
            });
            if (current is null) return false;
            NoFreeSlot?.Invoke();
            return Drain(current);
        }
        Reject(sender, batch, batchIndex, new Status.Failure(new HelperOverloadedException(helperName, options.MaxInFlight, options.MaxQueued)));
        Metrics.RequestEnded(helperName, request.Method, now, RequestOutcome.Rejected, null);
        return false;
    }

    private static void Reject(IActorRef sender, RequestBatchReply? batch, int batchIndex, Status.Failure failure)
    {
        if (batch is not null) batch.Set(batchIndex, failure);
        else sender.Tell(failure);
    }

    /// <summary>Test seam: runs when a request is queued for want of a slot, after the slot count
    /// was read and before the reactor is told that requests wait (the window of a lost wake-up).</summary>
    internal Action? NoFreeSlot { get; set; }

    /// <summary>The last msgid used; the next request gets the next id not in flight. Settable so
    /// tests can reach the 32-bit wrap-around without sending four billion requests.</summary>
    internal uint LastMsgId
    {
        get => _lastMsgId;
        set => _lastMsgId = value;
    }

    /// <summary>The timeout that applies to <paramref name="request"/> (capped), or null for none
    /// (or for a request rejected as invalid).</summary>
    public TimeSpan? TimeoutOf(HelperRequest request)
    {
        var requested = request.Timeout ?? options.RequestTimeout;
        return RequestTimeouts.IsValid(requested) && requested != Timeout.InfiniteTimeSpan ? RequestTimeouts.Effective(requested) : null;
    }

    /// <summary>Moves queued requests into free slots of a ready helper, failing those already expired.</summary>
    public bool Drain(HelperIncarnation? current)
    {
        if (current is not { Ready: true }) return false;
        var sent = false;
        while (true)
        {
            while (_queue.Count > 0 && current.HasFreeSlot(options.MaxInFlight))
            {
                var next = _queue.Dequeue();
                if (next.DeadlineTimestamp <= Stopwatch.GetTimestamp())
                {
                    next.Reply(new Status.Failure(new HelperTimeoutException(helperName, next.Request.Method, next.Timeout, wasSent: false)));
                    Ended(next, RequestOutcome.Timeout);
                    continue;
                }
                Send(current, next.Request, next.Sender, next.DeadlineTimestamp, next.Timeout, next.AcceptedAt, next.Activity, next.Batch, next.BatchIndex);
                sent = true;
            }
            if (_queue.Count == 0)
            {
                current.Receiver.ActorHasQueue = false;
                return sent;
            }
            // The reactor frees slots and then reads ActorHasQueue; this side sets it and then reads
            // the slots again. With a full fence between write and read on both sides, either the
            // reactor sees the flag (and wakes the actor) or this sees the freed slot: no lost wake-up.
            current.Receiver.ActorHasQueue = true;
            Interlocked.MemoryBarrier();
            if (current.InFlight >= options.MaxInFlight) return sent;
        }
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
            request.Reply(new Status.Failure(new HelperTimeoutException(helperName, request.Method, request.Timeout, wasSent: true)));
            Ended(request, RequestOutcome.Timeout);
            if (current is null) continue;
            current.TimedOut++;
            if (_sendCancel) wrote |= current.Channel.Enqueue(msgId, static (output, id) => ControlFrames.WriteCancel(output, id));
        }

        if (_queue.Any(q => q.DeadlineTimestamp <= now))
        {
            var keep = _queue.Where(q => q.DeadlineTimestamp > now).ToList();
            foreach (var expired in _queue.Where(q => q.DeadlineTimestamp <= now))
            {
                expired.Reply(new Status.Failure(new HelperTimeoutException(helperName, expired.Request.Method, expired.Timeout, wasSent: false)));
                Ended(expired, RequestOutcome.Timeout);
            }
            _queue.Clear();
            foreach (var queued in keep) _queue.Enqueue(queued);
        }
        return Drain(current) | wrote;
    }

    /// <summary>Fails every request in flight with <paramref name="failure"/>.</summary>
    public void FailInFlight(Exception failure)
    {
        foreach (var (msgId, _) in InFlight)
        {
            if (InFlight.TryRemove(msgId, out var request))
            {
                request.Reply(new Status.Failure(failure));
                Ended(request, RequestOutcome.Failed);
            }
        }
    }

    /// <summary>Fails every queued request with <paramref name="failure"/>.</summary>
    public void FailQueued(Exception failure)
    {
        while (_queue.Count > 0)
        {
            var queued = _queue.Dequeue();
            queued.Reply(new Status.Failure(failure));
            Ended(queued, RequestOutcome.Failed);
        }
    }

    /// <summary>Cancels every unanswered request of <paramref name="requester"/>: each is answered
    /// with <see cref="OperationCanceledException"/>; one in flight is sent <c>$/cancel</c> and frees
    /// its slot at once (the helper's late answer is dropped), one queued is removed.</summary>
    public bool Cancel(IActorRef requester, HelperIncarnation? current)
    {
        var wrote = false;
        foreach (var (msgId, request) in InFlight)
        {
            if (!request.Sender.Equals(requester) || !InFlight.TryRemove(msgId, out _)) continue;
            request.Reply(new Status.Failure(Cancelled(request.Method)));
            Ended(request, RequestOutcome.Cancelled);
            if (current is null) continue;
            current.TimedOut++;
            if (_sendCancel) wrote |= current.Channel.Enqueue(msgId, static (output, id) => ControlFrames.WriteCancel(output, id));
        }

        if (_queue.Any(q => q.Sender.Equals(requester)))
        {
            var keep = _queue.Where(q => !q.Sender.Equals(requester)).ToList();
            foreach (var cancelled in _queue.Where(q => q.Sender.Equals(requester)))
            {
                cancelled.Reply(new Status.Failure(Cancelled(cancelled.Request.Method)));
                Ended(cancelled, RequestOutcome.Cancelled);
            }
            _queue.Clear();
            foreach (var queued in keep) _queue.Enqueue(queued);
        }
        return Drain(current) | wrote;
    }

    private OperationCanceledException Cancelled(string method) =>
        new($"request {method} to helper '{helperName}' was cancelled by its caller");

    private void Ended(PendingRequest request, string outcome) =>
        Metrics.RequestEnded(helperName, request.Method, request.AcceptedAt, outcome, request.Activity);

    private void Ended(QueuedRequest request, string outcome) =>
        Metrics.RequestEnded(helperName, request.Request.Method, request.AcceptedAt, outcome, request.Activity);

    private void Send(HelperIncarnation current, HelperRequest request, IActorRef sender, long deadline, TimeSpan timeout, long acceptedAt, Activity? activity,
        RequestBatchReply? batch, int batchIndex)
    {
        if (activity is not null) UmhTracing.Sent(activity, current.Process.Pid);
        // After 2^32 requests ids wrap around; one still in flight (a long request) keeps its id.
        uint msgId;
        do msgId = ++_lastMsgId;
        while (!InFlight.TryAdd(new PendingRequest(sender, request.Method, deadline, timeout, acceptedAt, activity) { MsgId = msgId, Batch = batch, BatchIndex = batchIndex }));
        current.Dispatched++;
        current.Channel.Enqueue((msgId, request), static (output, state) =>
            FrameWriter.WriteRequest(output, state.msgId, state.request.Method, state.request.RawParams.Span));
    }
}
