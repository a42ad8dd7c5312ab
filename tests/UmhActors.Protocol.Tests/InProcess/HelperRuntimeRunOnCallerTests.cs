using UmhActors.Protocol.Control;
using UmhActors.Protocol.Framing;
using UmhActors.Protocol.Runtime;
using Xunit;

namespace UmhActors.Protocol.Tests.InProcess;

/// <summary>The synchronous <see cref="HelperRuntime.Run"/> (what a helper's <c>Main</c> calls):
/// it reads stdin on its caller instead of starting a reader thread and waiting for it, one thread
/// start less per helper, and still returns as soon as the run ends, also when a <c>$/shutdown</c>
/// leaves answers to come while the host keeps stdin open.</summary>
public sealed class HelperRuntimeRunOnCallerTests
{
    private const string Caller = "helper-main";

    // Run on a thread of the test's own, as a helper's Main: its exit code once it returns.
    private static Task<int> RunOnCaller(HelperRuntime runtime)
    {
        var run = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        new Thread(() =>
        {
            try
            {
                run.SetResult(runtime.Run());
            }
            catch (Exception e)
            {
                run.SetException(e);
            }
        }) { IsBackground = true, Name = Caller }.Start();
        return run.Task;
    }

    [Fact]
    public async Task Run_reads_stdin_on_its_caller_and_starts_no_reader_thread()
    {
        // Inline handlers run on the thread that reads: it names the reader.
        await using var helper = new InProcessRuntime(b => b.HandleInline("reader", _ => Pack.Value(Thread.CurrentThread.Name)));
        var run = RunOnCaller(helper.Runtime);

        helper.Request(1, "reader", Pack.Array());

        var answer = await helper.ResponseAsync(1);
        Assert.Equal(Caller, answer.GetResult<string>());
        helper.CloseInput();
        Assert.Equal(0, await run.WaitAsync(InProcessRuntime.Timeout));
    }

    [Fact]
    public async Task Run_returns_after_a_shutdown_once_the_last_answer_is_written_while_stdin_stays_open_and_reads_go_on_meanwhile()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var waiting = 0;
        await using var helper = new InProcessRuntime(b => b
            .Handle("slow", async _ =>
            {
                await release.Task;
                return Pack.Value("done");
            })
            .Handle("wait", async c =>
            {
                Interlocked.Increment(ref waiting);
                await Task.Delay(Timeout.Infinite, c.CancellationToken);
                return Pack.Value(0);
            }));
        var run = RunOnCaller(helper.Runtime);
        helper.Request(1, "slow", Pack.Array());
        helper.Request(2, "wait", Pack.Array());
        await InProcessRuntime.EventuallyAsync(() => Volatile.Read(ref waiting) == 1, "the waiting request started");

        helper.Send(output => FrameWriter.WriteRequest(output, 3, ControlMethods.Shutdown, [0x90]));
        // Read after the shutdown: a cancel still reaches its request.
        helper.Send(output => ControlFrames.WriteCancel(output, 2));
        var cancelled = await helper.ResponseAsync(2);
        Assert.Equal(RpcErrorCodes.RequestCancelled, cancelled.GetError()?.Code);
        Assert.False(run.IsCompleted, "the run ended before its last answer");

        release.SetResult();

        // Stdin is still open: the run ends on the last answer, not at EOF.
        Assert.Equal(0, await run.WaitAsync(InProcessRuntime.Timeout));
        Assert.Equal("done", (await helper.ResponseAsync(1)).GetResult<string>());
        Assert.False((await helper.ResponseAsync(3)).IsError);
    }

    [Fact]
    public async Task Run_ends_at_stdin_eof_with_every_request_answered_once()
    {
        await using var helper = new InProcessRuntime(b => b.Handle("work", async c =>
        {
            await Task.Yield();
            return Pack.Value(c.MsgId);
        }));
        var run = RunOnCaller(helper.Runtime);
        const int requests = 16;
        for (uint id = 1; id <= requests; id++) helper.Request(id, "work", Pack.Array());

        helper.CloseInput();

        Assert.Equal(0, await run.WaitAsync(InProcessRuntime.Timeout));
        await InProcessRuntime.EventuallyAsync(() => helper.Frames.Count(f => f.Kind == FrameKind.Response) >= requests, "every answer read");
        Assert.Equal(Enumerable.Range(1, requests).Select(i => (uint)i), helper.Frames.Where(f => f.Kind == FrameKind.Response).Select(f => f.MsgId).Order());
    }

    [Fact]
    public async Task Run_refuses_a_second_start()
    {
        await using var helper = new InProcessRuntime();
        var run = RunOnCaller(helper.Runtime);
        await helper.NotificationAsync(ControlMethods.Hello);

        Assert.Throws<InvalidOperationException>(() => helper.Runtime.Run());
        helper.CloseInput();
        Assert.Equal(0, await run.WaitAsync(InProcessRuntime.Timeout));
    }
}
