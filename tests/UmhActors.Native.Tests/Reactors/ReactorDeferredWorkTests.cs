using System.Text;
using UmhActors.Native.Io;
using UmhActors.Native.Processes;
using UmhActors.Native.Launch;
using UmhActors.Native.Tests.Support;

namespace UmhActors.Native.Tests.Reactors;

/// <summary>Work a handler leaves for the end of the reactor's round of events: it runs on the
/// reactor's thread once the handler returned; when it blocks, a new thread takes the loop over,
/// the rest of the round runs on the thread pool, and the stuck thread ends once it returns.</summary>
public sealed class ReactorDeferredWorkTests
{
    private sealed class WorkItem(Action action) : IThreadPoolWorkItem
    {
        public void Execute() => action();
    }

    private static HelperProcess StartCat(Reactor reactor)
    {
        using var blob = TestBlobs.System("cat");
        return HelperLauncher.Start(ExecTarget.ForMemfd(blob.Name, blob.GetSealedMemfd(), false), LaunchOptions.Default, null, reactor);
    }

    private static async Task<string> EchoAsync(HelperProcess cat, string text)
    {
        await cat.Stdin!.WriteAsync(Encoding.UTF8.GetBytes(text)).AsTask().WaitAsync(ProcessText.Timeout);
        var buffer = new byte[64];
        var n = await cat.Stdout!.ReadAsync(buffer).AsTask().WaitAsync(ProcessText.Timeout);
        return Encoding.UTF8.GetString(buffer, 0, n);
    }

    // On the first readiness of cat's stdout, defers the given work from inside the handler.
    private static void DeferOnFirstReadiness(HelperProcess cat, Action<Func<Action, bool>> inHandler)
    {
        var once = 0;
        cat.Stdout!.ReadyCallback = () =>
        {
            if (Interlocked.Exchange(ref once, 1) == 0) inHandler(action => Reactor.TryDeferToRoundEnd(new WorkItem(action)));
        };
    }

    [Fact]
    public async Task Deferred_work_runs_on_the_reactor_thread_after_its_handler_returned()
    {
        using var reactor = new Reactor("test-reactor");
        await using var cat = StartCat(reactor);
        var ran = new TaskCompletionSource<(Thread Handler, Thread Work, bool HandlerReturned)>(TaskCreationOptions.RunContinuationsAsynchronously);
        var deferred = false;
        var handlerReturned = false;
        DeferOnFirstReadiness(cat, defer =>
        {
            var handler = Thread.CurrentThread;
            deferred = defer(() => ran.TrySetResult((handler, Thread.CurrentThread, Volatile.Read(ref handlerReturned))));
            Volatile.Write(ref handlerReturned, true);
        });

        await cat.Stdin!.WriteAsync(Encoding.UTF8.GetBytes("wake\n"));

        var (handlerThread, workThread, returned) = await ran.Task.WaitAsync(ProcessText.Timeout);
        Assert.True(deferred);
        Assert.True(returned, "the work ran inside its handler");
        Assert.Same(handlerThread, workThread);
        Assert.Equal("test-reactor", workThread.Name);
        // Anywhere else there is no round to defer to: the caller must queue its work itself.
        Assert.False(Reactor.TryDeferToRoundEnd(new WorkItem(() => { })));
        Assert.Equal(0, reactor.ReliefCount);
    }

    [Fact]
    public async Task Deferred_work_that_blocks_hands_the_loop_to_a_new_thread_and_the_rest_of_its_round_to_the_pool()
    {
        using var reactor = new Reactor("test-reactor");
        await using var stuck = StartCat(reactor);
        await using var other = StartCat(reactor);
        using var unblock = new ManualResetEventSlim();
        var stuckThread = new TaskCompletionSource<Thread>(TaskCreationOptions.RunContinuationsAsynchronously);
        var nextItem = new TaskCompletionSource<Thread>(TaskCreationOptions.RunContinuationsAsynchronously);
        DeferOnFirstReadiness(stuck, defer =>
        {
            defer(() =>
            {
                stuckThread.TrySetResult(Thread.CurrentThread);
                unblock.Wait(ProcessText.Timeout * 2);
            });
            defer(() => nextItem.TrySetResult(Thread.CurrentThread));
        });

        await stuck.Stdin!.WriteAsync(Encoding.UTF8.GetBytes("block\n"));
        var blockedThread = await stuckThread.Task.WaitAsync(ProcessText.Timeout);

        // While the first item blocks: the item after it runs on the pool, and other pipes are served.
        Assert.True((await nextItem.Task.WaitAsync(ProcessText.Timeout)).IsThreadPoolThread);
        Assert.Equal("still served\n", await EchoAsync(other, "still served\n"));
        Assert.False(unblock.IsSet);
        Assert.Equal(1, reactor.ReliefCount);

        unblock.Set();
        Assert.True(blockedThread.Join(ProcessText.Timeout), "the relieved thread went on after its item returned");
        Assert.Equal("and after\n", await EchoAsync(other, "and after\n"));
        Assert.Equal(1, reactor.ReliefCount);
    }

    [Fact]
    public async Task A_reactor_stuck_in_deferred_work_is_relieved_and_disposed_without_waiting_for_it()
    {
        var reactor = new Reactor("test-reactor");
        using var unblock = new ManualResetEventSlim();
        var stuckThread = new TaskCompletionSource<Thread>(TaskCreationOptions.RunContinuationsAsynchronously);
        try
        {
            await using var stuck = StartCat(reactor);
            DeferOnFirstReadiness(stuck, defer => defer(() =>
            {
                stuckThread.TrySetResult(Thread.CurrentThread);
                unblock.Wait(ProcessText.Timeout * 2);
            }));
            await stuck.Stdin!.WriteAsync(Encoding.UTF8.GetBytes("block\n"));
            await stuckThread.Task.WaitAsync(ProcessText.Timeout);
            var deadline = DateTime.UtcNow + ProcessText.Timeout;
            while (reactor.ReliefCount == 0 && DateTime.UtcNow < deadline) await Task.Delay(5);
            Assert.Equal(1, reactor.ReliefCount);
        }
        finally
        {
            // Joins the loop's current thread, not the one still stuck.
            await Task.Run(reactor.Dispose).WaitAsync(ProcessText.Timeout);
            unblock.Set();
        }
        Assert.True((await stuckThread.Task).Join(ProcessText.Timeout));
    }

    [Fact]
    public async Task Rounds_of_work_that_sometimes_blocks_around_the_relief_period_run_every_item_once_and_end_every_relieved_thread()
    {
        using var reactor = new Reactor("test-reactor");
        await using var cat = StartCat(reactor);
        const int rounds = 150;
        const int perRound = 3;
        var ran = new int[rounds * perRound];
        var threads = new System.Collections.Concurrent.ConcurrentDictionary<Thread, bool>();
        var random = new Random(11);
        // One item in six blocks for 5 to 30 ms: around the 10-20 ms it takes to be relieved, so the
        // watch's relief and the item's own return race.
        var sleeps = Enumerable.Range(0, ran.Length).Select(_ => random.Next(6) == 0 ? random.Next(5, 30) : 0).ToArray();
        var handled = 0;
        var buffer = new byte[256];
        cat.Stdout!.ReadyCallback = () =>
        {
            while (cat.Stdout.TryRead(buffer, out var n) && n > 0)
            {
                for (var b = 0; b < n; b++)
                {
                    var round = Interlocked.Increment(ref handled) - 1;
                    for (var k = 0; k < perRound; k++)
                    {
                        var item = round * perRound + k;
                        Assert.True(Reactor.TryDeferToRoundEnd(new WorkItem(() =>
                        {
                            threads.TryAdd(Thread.CurrentThread, Thread.CurrentThread.IsThreadPoolThread);
                            Interlocked.Increment(ref ran[item]);
                            if (sleeps[item] > 0) Thread.Sleep(sleeps[item]);
                        })));
                    }
                }
            }
        };

        for (var round = 0; round < rounds; round++)
        {
            await cat.Stdin!.WriteAsync(new byte[] { (byte)'x' }).AsTask().WaitAsync(ProcessText.Timeout);
            if (round % 10 == 9) await Task.Delay(random.Next(15));
        }
        var deadline = DateTime.UtcNow + ProcessText.Timeout;
        while (ran.Any(r => Volatile.Read(ref r) == 0) && DateTime.UtcNow < deadline) await Task.Delay(10);

        Assert.All(ran, count => Assert.Equal(1, count));
        Assert.True(reactor.ReliefCount > 0, "no item was relieved: the race was not run");
        // Every loop thread but the current one was relieved and ends: one loop serves the reactor.
        var loop = reactor.LoopThread;
        foreach (var thread in threads.Where(t => !t.Value && t.Key != loop).Select(t => t.Key))
            Assert.True(thread.Join(ProcessText.Timeout), "a relieved thread went on running the loop");
        Assert.True(loop.IsAlive);
        cat.Stdout.ReadyCallback = null;
        Assert.Equal("still served\n", await EchoAsync(cat, "still served\n"));
    }
}
