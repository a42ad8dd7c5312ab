using Akka.Actor;
using Akka.Event;
using UmhActors.Diagnostics;
using UmhActors.Native.Io;
using UmhActors.Protocol;
using UmhActors.Protocol.Control;
using UmhActors.Protocol.Framing;
using UmhActors.Requests;
using static UmhActors.Helpers.HelperActorSignals;

namespace UmhActors.Helpers;

/// <summary>
/// The I/O half of a <see cref="HelperActor"/>, run on the reactor thread (or on the actor's
/// thread while it polls for an answer): answers the Ask of each response
/// directly (no hop through the actor's mailbox), publishes notifications to subscribers, logs
/// <c>$/log</c> records, and tells the actor only what changes its state.
/// </summary>
internal sealed class HelperFrameReceiver(
    int generation,
    string helperName,
    int pid,
    IActorRef actor,
    PendingTable pending,
    HelperEventSubscribers subscribers,
    ILoggingAdapter log,
    FrameChannel? channel = null,
    UmhMetrics? metrics = null,
    bool expectHello = true,
    bool inlineCompletions = false) : IFrameReceiver
{
    /// <summary>Error answers to helper → host requests that may sit unwritten (the helper is not
    /// reading its stdin) before the flood counts as a protocol violation: about 40 KiB.</summary>
    internal const int MaxUnwrittenRefusals = 1024;

    // A plain msgpack-rpc helper (ControlProtocol.None) says no hello: its first frame may be anything.
    private bool _helloSeen = !expectHello;
    private bool _completedAny;
    private int _unwrittenRefusals;
    private bool _flooded;
    private const int InitialCompletions = 16;
    private LocalReply[]? _completions;
    private int _completionCount;

    /// <summary>Requests answered so far; the actor reads it to free in-flight slots.</summary>
    public int Answered;

    /// <summary>Set by the actor while requests wait for slots, so a batch of answers wakes it.</summary>
    public volatile bool ActorHasQueue;

    public FrameChannel? Channel { get; set; } = channel;

    private readonly UmhMetrics _metrics = metrics ?? UmhMetrics.Shared;

    public void OnFrame(in Frame frame)
    {
        if (!_helloSeen)
        {
            if (frame.Kind == FrameKind.Notification && frame.Method == ControlMethods.Hello)
            {
                _helloSeen = true;
                try
                {
                    actor.Tell(new HelloReceived(generation, ControlFrames.ReadHello(frame)));
                }
                catch (ProtocolViolationException violation)
                {
                    actor.Tell(new ViolationDetected(generation, violation));
                }
                return;
            }
            actor.Tell(new ViolationDetected(generation, new ProtocolViolationException(ProtocolViolationReason.UnexpectedFrame, frame.ByteOffset,
                $"the helper's first frame must be a $/hello notification, got {frame}")));
            return;
        }

        switch (frame.Kind)
        {
            case FrameKind.Response:
                Answer(frame);
                break;
            case FrameKind.Notification:
                OnNotification(frame);
                break;
            default:
                RefuseHostRequest(frame);
                break;
        }
    }

    // Helper → host requests are not part of the contract: answer so the helper does not wait, but
    // only while it reads the answers. One that floods requests without reading would make the host
    // queue answers without bound, so that is a protocol violation.
    private void RefuseHostRequest(in Frame frame)
    {
        if (_flooded || Channel is not { } channel) return;
        channel.Enqueue(frame.MsgId, static (output, id) =>
            FrameWriter.WriteErrorResponse(output, id, new RpcError(RpcErrorCodes.MethodNotFound, "the host serves no methods")));
        channel.Flush();
        // Bytes still queued after a flush mean the pipe to the helper is full: it is not reading.
        if (channel.QueuedBytes == 0)
        {
            _unwrittenRefusals = 0;
            return;
        }
        if (++_unwrittenRefusals <= MaxUnwrittenRefusals) return;
        _flooded = true;
        actor.Tell(new ViolationDetected(generation, new ProtocolViolationException(ProtocolViolationReason.UnexpectedFrame, frame.ByteOffset,
            $"the helper sent more than {MaxUnwrittenRefusals} requests to the host without reading the answers (the host serves no methods)")));
    }

    public void OnReadBatchEnd()
    {
        ScheduleCompletions();
        if (_completedAny && ActorHasQueue) actor.Tell(SlotsFreed.Instance);
        _completedAny = false;
    }

    public void OnClosed(ChannelClosure closure)
    {
        ScheduleCompletions();
        actor.Tell(new ChannelClosed(generation, closure));
    }

    // The answers of a read go to their callers together: one thread-pool work item for the lot
    // (see ReplyCompletionBatch), never a caller's continuation inside the channel's read; with
    // inline completions, on the reactor's thread once its round of events is dispatched.
    private void ScheduleCompletions()
    {
        if (_completionCount == 0) return;
        var completions = _completions!.AsSpan(0, _completionCount);
        ReplyCompletionBatch.Schedule(completions, inlineCompletions);
        completions.Clear(); // the buffer is reused: it must not keep answered replies alive
        _completionCount = 0;
    }

    // Ends a request with its answer: a local reply's answer is recorded now and its caller's task
    // completed with the others of this read; any other sender is told as usual.
    private void Deliver(PendingRequest request, object answer)
    {
        if (request.Batch is not null || request.Sender is not LocalReply reply)
        {
            request.Reply(answer);
            return;
        }
        if (!reply.TryAnswer(answer)) return; // its deadline or its caller's token came first
        // One buffer per receiver, grown to the largest read and reused (the batch copies what it takes).
        var completions = _completions ??= new LocalReply[InitialCompletions];
        if (_completionCount == completions.Length)
        {
            Array.Resize(ref completions, completions.Length * 2);
            _completions = completions;
        }
        completions[_completionCount++] = reply;
    }

    private void Answer(in Frame frame)
    {
        if (!pending.TryRemove(frame.MsgId, out var request))
        {
            // Answered after its timeout (already failed and cancelled): drop it.
            return;
        }
        Interlocked.Increment(ref Answered);
        _completedAny = true;
        if (frame.IsError)
        {
            RpcError error;
            try
            {
                error = frame.GetError()!;
            }
            catch (ProtocolViolationException violation)
            {
                Deliver(request, new Status.Failure(violation));
                _metrics.RequestEnded(helperName, request.Method, request.AcceptedAt, RequestOutcome.Failed, request.Activity);
                actor.Tell(new ViolationDetected(generation, violation));
                return;
            }
            Deliver(request, new Status.Failure(new HelperErrorException(helperName, request.Method, error)));
            _metrics.RequestEnded(helperName, request.Method, request.AcceptedAt, RequestOutcome.Error, request.Activity);
        }
        else
        {
            Deliver(request, new HelperResponse(frame.Result.ToArray()));
            _metrics.RequestEnded(helperName, request.Method, request.AcceptedAt, RequestOutcome.Ok, request.Activity);
        }
    }

    private void OnNotification(in Frame frame)
    {
        if (!frame.IsControl)
        {
            subscribers.Publish(new HelperNotification(helperName, pid, frame.Method, frame.Params.ToArray()));
            return;
        }
        try
        {
            switch (frame.Method)
            {
                case ControlMethods.Pong:
                    actor.Tell(new PongReceived(generation, ControlFrames.ReadToken(frame)));
                    break;
                case ControlMethods.Log:
                    Log(ControlFrames.ReadLog(frame));
                    break;
                default:
                    log.Debug("helper {0} (pid {1}) sent unknown control notification {2}", helperName, pid, frame.Method);
                    break;
            }
        }
        catch (ProtocolViolationException violation)
        {
            actor.Tell(new ViolationDetected(generation, violation));
        }
    }

    private void Log(UmhActors.Protocol.Control.LogMessage record)
    {
        var fields = record.Fields.Count == 0 ? "" : " " + string.Join(" ", record.Fields.Select(f => $"{f.Key}={f.Value}"));
        var text = $"[helper {helperName} pid {pid}] {record.Message}{fields}";
        switch (record.Level)
        {
            case HelperLogLevel.Trace or HelperLogLevel.Debug:
                log.Debug("{0}", text);
                break;
            case HelperLogLevel.Info:
                log.Info("{0}", text);
                break;
            case HelperLogLevel.Warn:
                log.Warning("{0}", text);
                break;
            default:
                log.Error("{0}", text);
                break;
        }
    }
}
