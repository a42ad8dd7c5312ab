using System.Buffers;
using UmhActors.Native.Exit;
using UmhActors.Protocol.Control;
using UmhActors.Protocol.Framing;
using Xunit;

namespace UmhActors.Protocol.Tests;

/// <summary>
/// The host's side of a randomized conversation: encodes each step, remembers what the helper owes
/// for it, and checks the helper's whole output against that once the helper has exited.
/// </summary>
/// <remarks>The rules (docs/protocol.md): every request read before <c>$/shutdown</c> gets exactly
/// one response, also when stdin closes with it still in flight (answered as cancelled); requests
/// after <c>$/shutdown</c> get at most one, an error -32001; <c>$/ping</c>s and notifications read
/// before <c>$/shutdown</c> are answered exactly once, later ones at most once; the helper exits 0.</remarks>
internal sealed class RuntimeConversationModel
{
    private sealed record Expected(RuntimeStepKind Kind, byte[] Params, long Value, bool AfterShutdown)
    {
        public bool CancelSent { get; set; }
    }

    private readonly Dictionary<uint, Expected> _requests = [];
    private readonly Dictionary<ulong, bool> _pings = [];
    private readonly Dictionary<long, bool> _notifyBacks = [];
    private readonly List<uint> _requestIds = [];
    private int _throwsBeforeShutdown;
    private int _throwsAfterShutdown;
    private uint _lastId;
    private ulong _lastToken;

    /// <summary>True once a <c>$/shutdown</c> (request or notification) was queued.</summary>
    public bool ShutdownSent { get; private set; }

    /// <summary>Encodes <paramref name="step"/> (not EOF) into <paramref name="output"/> and records what it is owed.</summary>
    public void Write(RuntimeStep step, IBufferWriter<byte> output)
    {
        var arg = step.Arg;
        switch (step.Kind)
        {
            case RuntimeStepKind.Echo:
                Request(output, step.Kind, "echo", Pack.Array(arg, "echo " + arg), 0);
                break;
            case RuntimeStepKind.BigEcho:
                var big = new byte[8 * 1024 * 1024 + 512 * 1024 + arg % 16 * 64 * 1024];
                Random.Shared.NextBytes(big);
                Request(output, step.Kind, "echo", Pack.Array(big), 0);
                break;
            case RuntimeStepKind.Add:
                Request(output, step.Kind, "add", Pack.Array(arg, 1000 - arg), 1000);
                break;
            case RuntimeStepKind.Sleep:
                Request(output, step.Kind, "sleep", Pack.Array(arg % 30), arg % 30);
                break;
            case RuntimeStepKind.Fail:
                Request(output, step.Kind, "fail", Pack.Array("bug " + arg), 0);
                break;
            case RuntimeStepKind.UnknownMethod:
                Request(output, step.Kind, "no_such_method", Pack.Array(), 0);
                break;
            case RuntimeStepKind.SlowCancelCallback:
                Request(output, step.Kind, "slow_cancel_callback", Pack.Array(1), 0);
                break;
            case RuntimeStepKind.ThrowingCancelCallback:
                Request(output, step.Kind, "throwing_cancel_callback", Pack.Array(), 0);
                break;
            case RuntimeStepKind.PingRequest:
                var token = ++_lastToken;
                Request(output, step.Kind, ControlMethods.Ping, Pack.Array(token), (long)token);
                break;
            case RuntimeStepKind.ShutdownRequest:
                // The first one is owed an answer: it is recorded before ShutdownSent is set.
                Request(output, step.Kind, ControlMethods.Shutdown, Pack.Array(), 0);
                ShutdownSent = true;
                break;
            case RuntimeStepKind.Cancel:
                // An earlier request, finished or not; or, with none yet, an id never used.
                var target = _requestIds.Count == 0 ? 999_999u : _requestIds[arg % _requestIds.Count];
                if (_requests.TryGetValue(target, out var cancelled)) cancelled.CancelSent = true;
                ControlFrames.WriteCancel(output, target);
                break;
            case RuntimeStepKind.PingNotification:
                var pingToken = ++_lastToken;
                _pings[pingToken] = ShutdownSent;
                ControlFrames.WritePing(output, pingToken);
                break;
            case RuntimeStepKind.NotifyBack:
                var value = _notifyBacks.Count + 1L;
                _notifyBacks[value] = ShutdownSent;
                FrameWriter.WriteNotification(output, "notify_back", Pack.Array(value));
                break;
            case RuntimeStepKind.ThrowingNotification:
                if (ShutdownSent) _throwsAfterShutdown++;
                else _throwsBeforeShutdown++;
                FrameWriter.WriteNotification(output, "throw", Pack.Array());
                break;
            case RuntimeStepKind.UnknownNotification:
                FrameWriter.WriteNotification(output, "no_such_notification", Pack.Array(arg));
                break;
            case RuntimeStepKind.StrayResponse:
                FrameWriter.WriteResponse(output, (uint)arg + 500_000, Pack.Value(arg));
                break;
            case RuntimeStepKind.Shutdown:
                ControlFrames.WriteShutdown(output);
                ShutdownSent = true;
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(step), step.Kind, "not a frame");
        }
    }

    private void Request(IBufferWriter<byte> output, RuntimeStepKind kind, string method, byte[] @params, long value)
    {
        var id = ++_lastId;
        _requests[id] = new Expected(kind, @params, value, ShutdownSent);
        _requestIds.Add(id);
        FrameWriter.WriteRequest(output, id, method, @params);
    }

    /// <summary>Checks everything the helper wrote, in order, and how it ended.</summary>
    public void Verify(IReadOnlyList<Frame> frames, ExitStatus exit)
    {
        Assert.True(exit.ExitCode == 0, $"the helper ended with {exit}");
        Assert.NotEmpty(frames);
        Assert.Equal((FrameKind.Notification, ControlMethods.Hello), (frames[0].Kind, frames[0].Method));

        var answered = new HashSet<uint>();
        var cancelledNotices = new HashSet<uint>();
        var pongs = new HashSet<ulong>();
        var notified = new HashSet<long>();
        var registered = new HashSet<uint>();
        var throwLogs = 0;
        foreach (var frame in frames.Skip(1))
        {
            if (frame.Kind == FrameKind.Response)
            {
                Assert.True(_requests.TryGetValue(frame.MsgId, out var expected), $"response to #{frame.MsgId}, never sent");
                Assert.True(answered.Add(frame.MsgId), $"second response to #{frame.MsgId} ({expected!.Kind})");
                CheckResponse(frame, expected!, cancelledNotices.Contains(frame.MsgId));
                continue;
            }
            Assert.Equal(FrameKind.Notification, frame.Kind);
            switch (frame.Method)
            {
                case ControlMethods.Pong:
                    var token = ControlFrames.ReadToken(frame);
                    Assert.True(_pings.ContainsKey(token), $"pong {token} for no ping");
                    Assert.True(pongs.Add(token), $"second pong {token}");
                    break;
                case "notified":
                    var value = Pack.Read<long[]>(frame.Params)[0];
                    Assert.True(_notifyBacks.ContainsKey(value), $"notified {value} never asked");
                    Assert.True(notified.Add(value), $"second notified {value}");
                    break;
                case "cancelled":
                    var cancelledId = Pack.Read<uint[]>(frame.Params)[0];
                    Assert.Equal(RuntimeStepKind.Sleep, _requests[cancelledId].Kind);
                    Assert.False(answered.Contains(cancelledId), $"#{cancelledId} noticed its cancellation after it was answered");
                    Assert.True(cancelledNotices.Add(cancelledId), $"#{cancelledId} noticed its cancellation twice");
                    break;
                case "registered":
                    Assert.True(registered.Add(Pack.Read<uint[]>(frame.Params)[0]));
                    break;
                case ControlMethods.Log:
                    var log = ControlFrames.ReadLog(frame);
                    Assert.Equal(HelperLogLevel.Error, log.Level);
                    Assert.Contains("'throw'", log.Message);
                    throwLogs++;
                    break;
                default:
                    Assert.Fail($"unexpected {frame}");
                    break;
            }
        }

        foreach (var (id, expected) in _requests)
        {
            // Only requests read after $/shutdown may go unanswered (the helper may exit first).
            if (!expected.AfterShutdown) Assert.True(answered.Contains(id), $"#{id} ({expected.Kind}) was never answered");
        }
        foreach (var (token, afterShutdown) in _pings)
            if (!afterShutdown) Assert.True(pongs.Contains(token), $"ping {token} was never answered");
        foreach (var (value, afterShutdown) in _notifyBacks)
            if (!afterShutdown) Assert.True(notified.Contains(value), $"notify_back {value} was never answered");
        Assert.InRange(throwLogs, _throwsBeforeShutdown, _throwsBeforeShutdown + _throwsAfterShutdown);
    }

    private static void CheckResponse(Frame frame, Expected expected, bool noticedCancellation)
    {
        var error = frame.GetError();
        var what = $"#{frame.MsgId} ({expected.Kind})";
        switch (expected.Kind)
        {
            case RuntimeStepKind.PingRequest:
                Assert.Equal((ulong)expected.Value, ControlFrames.ReadToken(frame));
                return;
            case RuntimeStepKind.ShutdownRequest:
                Assert.Null(error);
                Assert.Equal([0xc0], frame.Result.ToArray());
                return;
        }
        if (expected.AfterShutdown)
        {
            Assert.True(error?.Code == RpcErrorCodes.ShuttingDown, $"{what} after $/shutdown: {error?.Code} {error?.Message}");
            return;
        }
        switch (expected.Kind)
        {
            case RuntimeStepKind.Echo or RuntimeStepKind.BigEcho:
                Assert.Null(error);
                Assert.True(frame.Result.Span.SequenceEqual(expected.Params), $"{what} echoed other bytes");
                break;
            case RuntimeStepKind.Add:
                Assert.Null(error);
                Assert.Equal(expected.Value, Pack.Read<long>(frame.Result));
                break;
            case RuntimeStepKind.Sleep:
                // Cancelled ($/cancel or EOF) only after the handler saw it, otherwise its result.
                if (error is null) Assert.Equal(expected.Value, Pack.Read<long>(frame.Result));
                else
                {
                    Assert.Equal(RpcErrorCodes.RequestCancelled, error.Code);
                    Assert.True(noticedCancellation, $"{what} answered as cancelled, but its handler never saw the cancellation");
                }
                break;
            case RuntimeStepKind.Fail:
                Assert.Equal(RpcErrorCodes.HandlerFailed, error?.Code);
                Assert.Contains(Pack.Read<string[]>(expected.Params)[0], error!.Message);
                break;
            case RuntimeStepKind.UnknownMethod:
                Assert.Equal(RpcErrorCodes.MethodNotFound, error?.Code);
                break;
            case RuntimeStepKind.SlowCancelCallback:
                Assert.Equal(RpcErrorCodes.RequestCancelled, error?.Code);
                break;
            case RuntimeStepKind.ThrowingCancelCallback:
                // Cancelled before the handler registered its callback, Register runs it in the
                // handler, which then fails: the handler's own doing, answered like any handler bug.
                if (error?.Code != RpcErrorCodes.RequestCancelled)
                {
                    Assert.Equal(RpcErrorCodes.HandlerFailed, error?.Code);
                    Assert.Contains("cancellation callback failed", error!.Message);
                }
                break;
            default:
                Assert.Fail($"{what} is not a request");
                break;
        }
    }
}
