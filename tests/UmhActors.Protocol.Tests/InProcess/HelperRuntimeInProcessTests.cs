using MessagePack.Formatters;
using UmhActors.Protocol.Control;
using UmhActors.Protocol.Framing;
using UmhActors.Protocol.Runtime;
using Xunit;

namespace UmhActors.Protocol.Tests.InProcess;

/// <summary>The helper-side runtime's contract (docs/protocol.md), run in-process over real pipes.</summary>
public sealed class HelperRuntimeInProcessTests
{
    private static RpcError ErrorOf(Frame response) =>
        response.GetError() ?? throw new Xunit.Sdk.XunitException($"expected an error response, got {response}");

    [Fact]
    public async Task Hello_is_the_first_frame_and_carries_version_name_pid_and_capabilities()
    {
        await using var helper = new InProcessRuntime(b => b.WithCapabilities("alpha", "beta"), name: "greeter");
        helper.Start();

        var first = await helper.WaitForAsync(_ => true);
        Assert.Equal(FrameKind.Notification, first.Kind);
        Assert.Equal(ControlMethods.Hello, first.Method);
        var hello = ControlFrames.ReadHello(first);
        Assert.Equal(ProtocolVersion.Current, hello.ProtocolVersion);
        Assert.Equal("greeter", hello.Name);
        Assert.Equal(Environment.ProcessId, hello.Pid);
        Assert.Equal(["alpha", "beta"], hello.Capabilities);
    }

    [Fact]
    public async Task Requests_are_answered_by_their_handler_under_their_own_msgid()
    {
        await using var helper = new InProcessRuntime(b => b
            .Handle("sync", c => Pack.Value($"sync:{Pack.Read<string>(c.Params)}"))
            .Handle("async", async c => { await Task.Yield(); return Pack.Value($"async:{c.Method}#{c.MsgId}"); })
            .HandleInline("inline", c => Pack.Value(c.IsNotification ? "notification?" : "inline"))
            .Handle<int, string?>("typed", Int32Formatter.Instance, NullableStringFormatter.Instance, n => new string('x', n)));
        helper.Start();

        helper.Request(7, "sync", Pack.Value("a"));
        helper.Request(8, "async", Pack.Value(0));
        helper.Request(9, "inline", Pack.Value(0));
        helper.Request(10, "typed", Pack.Value(3));

        Assert.Equal("sync:a", Pack.Read<string>((await helper.ResponseAsync(7)).Result));
        Assert.Equal("async:async#8", Pack.Read<string>((await helper.ResponseAsync(8)).Result));
        Assert.Equal("inline", Pack.Read<string>((await helper.ResponseAsync(9)).Result));
        Assert.Equal("xxx", Pack.Read<string>((await helper.ResponseAsync(10)).Result));
        Assert.All(helper.Frames.Where(f => f.Kind == FrameKind.Response), f => Assert.False(f.IsError));
    }

    [Fact]
    public async Task A_request_for_an_unknown_method_fails_with_method_not_found_naming_the_method()
    {
        await using var helper = new InProcessRuntime(name: "lonely");
        helper.Start();

        helper.Request(1, "nope", Pack.Array());

        var error = ErrorOf(await helper.ResponseAsync(1));
        Assert.Equal(RpcErrorCodes.MethodNotFound, error.Code);
        Assert.Equal(-32601, error.Code);
        Assert.Contains("lonely", error.Message);
        Assert.Contains("'nope'", error.Message);
    }

    [Fact]
    public async Task A_throwing_handler_fails_only_its_request_with_handler_failed_and_the_helper_keeps_serving()
    {
        await using var helper = new InProcessRuntime(b => b
            .Handle("boom", ReadOnlyMemory<byte> (_) => throw new InvalidOperationException("kaput"))
            .Handle("echo", c => c.Params));
        helper.Start();

        helper.Request(1, "boom", Pack.Array());
        var error = ErrorOf(await helper.ResponseAsync(1));
        Assert.Equal(RpcErrorCodes.HandlerFailed, error.Code);
        Assert.Equal(-32000, error.Code);
        Assert.Equal("InvalidOperationException: kaput", error.Message);

        helper.Request(2, "echo", Pack.Value(42));
        Assert.Equal(42, Pack.Read<int>((await helper.ResponseAsync(2)).Result));
        Assert.Equal(0, helper.Runtime.InFlightCount);
    }

    [Fact]
    public async Task An_RpcException_fails_the_request_with_its_own_code_and_message()
    {
        await using var helper = new InProcessRuntime(b => b
            .Handle("picky", ReadOnlyMemory<byte> (_) => throw new RpcException(-32602, "n must be positive")));
        helper.Start();

        helper.Request(5, "picky", Pack.Array());

        Assert.Equal(new RpcError(-32602, "n must be positive"), ErrorOf(await helper.ResponseAsync(5)));
    }

    [Fact]
    public async Task Cancel_fails_the_in_flight_request_as_cancelled()
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var helper = new InProcessRuntime(b => b.Handle("wait", async c =>
        {
            started.SetResult();
            await Task.Delay(Timeout.Infinite, c.CancellationToken);
            return Pack.Value(0);
        }));
        helper.Start();

        helper.Request(3, "wait", Pack.Array());
        await started.Task.WaitAsync(InProcessRuntime.Timeout);
        Assert.Equal(1, helper.Runtime.InFlightCount);
        helper.Send(output => ControlFrames.WriteCancel(output, 3));

        var error = ErrorOf(await helper.ResponseAsync(3));
        Assert.Equal(RpcErrorCodes.RequestCancelled, error.Code);
        Assert.Equal(-32800, error.Code);
        Assert.Equal("wait #3 was cancelled", error.Message);
    }

    [Fact]
    public async Task A_msgid_already_in_flight_is_refused_with_invalid_params_and_the_first_still_completes()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var helper = new InProcessRuntime(b => b.Handle("slow", async c =>
        {
            await release.Task;
            return Pack.Value("first");
        }));
        helper.Start();

        helper.Request(4, "slow", Pack.Array());
        await InProcessRuntime.EventuallyAsync(() => helper.Runtime.InFlightCount == 1, "one request in flight");
        helper.Request(4, "slow", Pack.Array());

        var refused = ErrorOf(await helper.ResponseAsync(4));
        Assert.Equal(RpcErrorCodes.InvalidParams, refused.Code);
        Assert.Equal(-32602, refused.Code);
        Assert.Equal("msgid 4 is already in flight", refused.Message);

        release.SetResult();
        var answered = await helper.WaitForAsync(f => f.Kind == FrameKind.Response && f.MsgId == 4 && !f.IsError);
        Assert.Equal("first", Pack.Read<string>(answered.Result));
    }

    [Fact]
    public async Task Ping_request_gets_a_pong_response_and_ping_notification_a_pong_notification_with_the_same_token()
    {
        await using var helper = new InProcessRuntime();
        helper.Start();

        helper.Send(output => ControlFrames.WritePingRequest(output, 11, 0xDEADBEEFCAFEUL));
        helper.Send(output => ControlFrames.WritePing(output, 77));

        var response = await helper.ResponseAsync(11);
        Assert.False(response.IsError);
        Assert.Equal(0xDEADBEEFCAFEUL, Pack.Read<ulong>(response.Result));
        var pong = await helper.NotificationAsync(ControlMethods.Pong);
        Assert.Equal(77UL, ControlFrames.ReadToken(pong));
    }

    [Fact]
    public async Task Shutdown_request_refuses_new_requests_waits_for_in_flight_ones_then_answers_and_exits_zero()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var running = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var helper = new InProcessRuntime(b => b.Handle("work", async c =>
        {
            running.SetResult();
            await release.Task;
            return Pack.Value(c.CancellationToken.IsCancellationRequested ? "cancelled" : "done");
        }), name: "worker");
        helper.Start();
        var exit = helper.Exit!;

        helper.Request(1, "work", Pack.Array());
        await running.Task.WaitAsync(InProcessRuntime.Timeout);
        helper.Send(output => FrameWriter.WriteRequest(output, 2, ControlMethods.Shutdown, [0x90]));
        await InProcessRuntime.EventuallyAsync(() => helper.Runtime.ShutdownRequested.IsCancellationRequested, "shutdown requested");

        helper.Request(3, "work", Pack.Array());
        var refused = ErrorOf(await helper.ResponseAsync(3));
        Assert.Equal(RpcErrorCodes.ShuttingDown, refused.Code);
        Assert.Equal(-32001, refused.Code);
        Assert.Equal("worker is shutting down", refused.Message);
        Assert.False(exit.IsCompleted, "the runtime exited with a request still in flight");
        Assert.DoesNotContain(helper.Frames, f => f.Kind == FrameKind.Response && f.MsgId == 2);

        release.SetResult();
        Assert.Equal(0, await helper.ExitCodeAsync());
        var frames = (await helper.AllFramesAfterExitAsync()).ToList();
        var work = frames.FindIndex(f => f.Kind == FrameKind.Response && f.MsgId == 1);
        var shutdown = frames.FindIndex(f => f.Kind == FrameKind.Response && f.MsgId == 2);
        Assert.True(work >= 0 && shutdown > work, "the in-flight answer must precede the shutdown answer");
        Assert.Equal("done", Pack.Read<string>(frames[work].Result));
        Assert.False(frames[shutdown].IsError);
        Assert.Equal([0xc0], frames[shutdown].Result.ToArray());
    }

    [Fact]
    public async Task Shutdown_notification_with_nothing_in_flight_exits_zero_without_an_answer()
    {
        await using var helper = new InProcessRuntime();
        helper.Start();
        await helper.NotificationAsync(ControlMethods.Hello);

        helper.Send(ControlFrames.WriteShutdown);

        Assert.Equal(0, await helper.ExitCodeAsync());
        Assert.True(helper.Runtime.ShutdownRequested.IsCancellationRequested);
        Assert.DoesNotContain(await helper.AllFramesAfterExitAsync(), f => f.Kind == FrameKind.Response);
    }

    [Fact]
    public async Task Stdin_eof_cancels_in_flight_handlers_and_exits_zero()
    {
        var running = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var sawCancel = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var helper = new InProcessRuntime(b => b.Handle("wait", async c =>
        {
            using var _ = c.CancellationToken.Register(() => sawCancel.TrySetResult());
            running.SetResult();
            await Task.Delay(Timeout.Infinite, c.CancellationToken);
            return Pack.Value(0);
        }));
        helper.Start();
        var exit = helper.Exit!;
        helper.Request(1, "wait", Pack.Array());
        await running.Task.WaitAsync(InProcessRuntime.Timeout);

        helper.CloseInput();

        Assert.Equal(0, await helper.ExitCodeAsync());
        await sawCancel.Task.WaitAsync(InProcessRuntime.Timeout);
        Assert.True(helper.Runtime.ShutdownRequested.IsCancellationRequested);
    }

    [Fact]
    public async Task A_frame_that_is_not_msgpack_rpc_ends_the_runtime_with_exit_code_3()
    {
        await using var helper = new InProcessRuntime();
        helper.Start();
        await helper.NotificationAsync(ControlMethods.Hello);

        helper.SendRaw([0x93, 0x07, 0x01, 0x02]);   // [7, 1, 2]: no such frame kind

        Assert.Equal(3, await helper.ExitCodeAsync());
        Assert.Equal(3, HelperRuntime.ProtocolViolationExitCode);
        Assert.True(helper.Runtime.ShutdownRequested.IsCancellationRequested);
    }

    [Fact]
    public async Task A_frame_over_the_runtimes_decoder_limit_is_a_violation()
    {
        await using var helper = new InProcessRuntime(b => b
            .WithLimits(DecoderLimits.Default with { MaxFrameSize = 1024 })
            .Handle("echo", c => c.Params));
        helper.Start();

        helper.Request(1, "echo", Pack.Value(new string('x', 100)));
        Assert.False((await helper.ResponseAsync(1)).IsError);
        helper.Request(2, "echo", Pack.Value(new string('x', 4096)));

        Assert.Equal(3, await helper.ExitCodeAsync());
        Assert.DoesNotContain(await helper.AllFramesAfterExitAsync(), f => f.Kind == FrameKind.Response && f.MsgId == 2);
    }

    [Fact]
    public async Task Notifications_reach_their_handler_while_unknown_notifications_and_stray_responses_are_ignored()
    {
        var received = new TaskCompletionSource<(string Method, int Value, bool IsNotification)>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var helper = new InProcessRuntime(b => b
            .OnNotification("tick", c => received.TrySetResult((c.Method, Pack.Read<int>(c.Params), c.IsNotification))));
        helper.Start();

        helper.Send(output => FrameWriter.WriteNotification(output, "unknown", Pack.Value(1)));
        helper.Send(output => FrameWriter.WriteResponse(output, 99, Pack.Value("stray")));
        helper.Send(output => FrameWriter.WriteNotification(output, "tick", Pack.Value(5)));

        Assert.Equal(("tick", 5, true), await received.Task.WaitAsync(InProcessRuntime.Timeout));
        helper.Send(output => ControlFrames.WritePingRequest(output, 12, 1));
        Assert.False((await helper.ResponseAsync(12)).IsError);
        Assert.False(helper.Exit!.IsCompleted);
    }

    [Fact]
    public async Task Notify_and_Log_reach_the_host_as_frames()
    {
        await using var helper = new InProcessRuntime(b => b.OnStarted(runtime =>
        {
            runtime.Notify("progress", Pack.Value(50));
            runtime.Notify<string?>("typed", "hi", NullableStringFormatter.Instance);
            runtime.Log(HelperLogLevel.Warn, "disk low", new Dictionary<string, object?> { ["free"] = 3 });
        }));
        helper.Start();

        Assert.Equal(50, Pack.Read<int>((await helper.NotificationAsync("progress")).Params));
        Assert.Equal("hi", Pack.Read<string>((await helper.NotificationAsync("typed")).Params));
        var log = ControlFrames.ReadLog(await helper.NotificationAsync(ControlMethods.Log));
        Assert.Equal(HelperLogLevel.Warn, log.Level);
        Assert.Equal("disk low", log.Message);
        Assert.Equal(3, Convert.ToInt32(log.Fields["free"]));
        Assert.Equal(ControlMethods.Hello, helper.Frames[0].Method);
    }

    [Fact]
    public async Task The_runtime_runs_once()
    {
        await using var helper = new InProcessRuntime();
        helper.Start();
        await helper.NotificationAsync(ControlMethods.Hello);

        var again = await Assert.ThrowsAsync<InvalidOperationException>(() => helper.Runtime.RunAsync());
        Assert.Equal("the helper runtime runs once", again.Message);
    }

    [Fact]
    public void Handlers_cannot_take_reserved_or_empty_method_names()
    {
        var builder = HelperRuntime.CreateBuilder("names");

        var reserved = Assert.Throws<ArgumentException>(() => builder.Handle("$/mine", c => c.Params));
        Assert.Contains("'$/mine' starts with the reserved prefix '$/'", reserved.Message);
        Assert.Throws<ArgumentException>(() => builder.OnNotification("$/tick", _ => { }));
        Assert.Throws<ArgumentException>(() => builder.HandleInline("", c => c.Params));
        Assert.Throws<ArgumentNullException>(() => builder.Handle("x", (Func<RequestContext, ReadOnlyMemory<byte>>)null!));
        Assert.Throws<ArgumentException>(() => HelperRuntime.CreateBuilder(" "));
        Assert.Equal("names", builder.Name);
    }
}
