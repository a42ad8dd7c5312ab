using UmhActors.Protocol.Control;
using UmhActors.Protocol.Framing;
using Xunit;

namespace UmhActors.Protocol.Tests.InProcess;

/// <summary>How the helper runtime's run ends (docs/protocol.md, "Startup and shutdown"): on the
/// thread that saw the end, so an exiting helper starts no pool thread or timer (each costs the
/// process a thread start on its way out: docs/benchmarks.md, "scale"), and still with every
/// answer written first.</summary>
public sealed class HelperRuntimeEndingTests
{
    private sealed record Ending(string? ThreadName, bool PoolThread, int Code);

    // The thread that completed RunAsync's task: the continuation runs synchronously on it.
    private static Task<Ending> EndingOf(Task<int> run) =>
        run.ContinueWith(t => new Ending(Thread.CurrentThread.Name, Thread.CurrentThread.IsThreadPoolThread, t.Result),
            CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

    [Fact]
    public async Task An_idle_runtime_ends_at_stdin_eof_on_its_reader_thread_without_a_pool_thread()
    {
        await using var helper = new InProcessRuntime();
        var ending = EndingOf(helper.Runtime.RunAsync());
        await helper.NotificationAsync(ControlMethods.Hello);

        helper.CloseInput();

        var ended = await ending.WaitAsync(InProcessRuntime.Timeout);
        Assert.Equal(new Ending("umh-reader", false, 0), ended);
    }

    [Fact]
    public async Task An_idle_runtime_ends_after_a_shutdown_on_its_reader_thread_with_the_shutdown_answered()
    {
        await using var helper = new InProcessRuntime();
        var ending = EndingOf(helper.Runtime.RunAsync());
        await helper.NotificationAsync(ControlMethods.Hello);

        helper.Send(output => FrameWriter.WriteRequest(output, 5, ControlMethods.Shutdown, [0x90]));

        var ended = await ending.WaitAsync(InProcessRuntime.Timeout);
        Assert.Equal(new Ending("umh-reader", false, 0), ended);
        // Written before the run ended: the host reads it although the helper is gone.
        var answer = await helper.ResponseAsync(5);
        Assert.False(answer.IsError);
    }

    [Fact]
    public async Task A_protocol_violation_ends_the_run_with_code_3_on_the_reader_thread()
    {
        await using var helper = new InProcessRuntime();
        var ending = EndingOf(helper.Runtime.RunAsync());
        await helper.NotificationAsync(ControlMethods.Hello);

        helper.SendRaw([0xc1, 0xc1]);

        var ended = await ending.WaitAsync(InProcessRuntime.Timeout);
        Assert.Equal(new Ending("umh-reader", false, 3), ended);
    }

    [Fact]
    public async Task Stdin_eof_racing_handlers_that_finish_still_answers_every_request_once_and_ends_once()
    {
        // The reader's end at EOF and the last handlers' answers (on pool threads) race: whichever
        // thread ends the run, every request read is answered exactly once, before the run ends.
        for (var round = 0; round < 40; round++)
        {
            var spin = round % 8;
            await using var helper = new InProcessRuntime(b => b.Handle("work", async c =>
            {
                for (var i = 0; i < spin; i++) await Task.Yield();
                return Pack.Value(c.MsgId);
            }));
            var run = helper.Runtime.RunAsync();
            const int requests = 16;
            for (uint id = 1; id <= requests; id++) helper.Request(id, "work", Pack.Array());
            helper.CloseInput();

            Assert.Equal(0, await run.WaitAsync(InProcessRuntime.Timeout));
            // Everything the runtime wrote was written before RunAsync completed; let the host's reader catch up.
            await InProcessRuntime.EventuallyAsync(() => helper.Frames.Count(f => f.Kind == FrameKind.Response) >= requests, "every answer read");
            var answers = helper.Frames.Where(f => f.Kind == FrameKind.Response).Select(f => f.MsgId).ToList();
            Assert.Equal(Enumerable.Range(1, requests).Select(i => (uint)i), answers.Order());
        }
    }
}
