using UmhActors.Helpers;
using UmhActors.Requests;
using UmhActors.Tests.Support;
using Xunit.Abstractions;

namespace UmhActors.Tests.Requests;

/// <summary><see cref="HelperOptions.InlineCompletions"/>: callers' continuations run on the reactor's
/// thread, and one that blocks there (even on another answer the reactor must read) is relieved
/// instead of stalling every helper.</summary>
public sealed class InlineCompletionTests(ITestOutputHelper output) : HelperSpec(output)
{
    // Polling off: every answer comes through the reactor.
    private static readonly HelperOptions Inline = HelperOptions.Default.WithResponsePollBudget(TimeSpan.Zero).WithInlineCompletions();

    [Fact]
    public async Task With_inline_completions_callers_continuations_run_on_the_reactor_thread()
    {
        var (helper, _) = await StartHelperAsync(Inline);
        var client = new HelperClient(helper);
        var threads = new System.Collections.Concurrent.ConcurrentBag<string?>();
        for (var round = 0; round < 20; round++)
        {
            var calls = Enumerable.Range(0, 64).Select(i => client.SendAsync(Call("add", i, 1)).ContinueWith(t =>
            {
                threads.Add(Thread.CurrentThread.Name);
                return t.Result.GetResult<int>();
            }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default));
            Assert.Equal(Enumerable.Range(1, 64), await Task.WhenAll(calls).WaitAsync(Patience));
        }
        Assert.Equal(20 * 64, threads.Count);
        // Not every one: a batch the reactor makes no progress on for 10-20 ms (a preempted vCPU, a
        // GC) has the rest of its replies taken by a pool worker, by design. Without the option, none.
        var onReactor = threads.Count(name => name == "umh-reactor");
        Assert.True(onReactor >= threads.Count * 9 / 10, $"{onReactor} of {threads.Count} continuations ran on the reactor's thread");
    }

    [Fact]
    public async Task A_continuation_that_waits_on_the_reactor_for_another_answer_is_relieved_not_deadlocked()
    {
        var (helper, _) = await StartHelperAsync(Inline);
        var client = new HelperClient(helper);
        var reliefsBefore = UmhActors.Diagnostics.UmhMetrics.ReactorReliefs;

        // The continuation runs on the reactor only if it is attached before the answer comes back: a
        // test thread preempted between SendAsync and ContinueWith runs it itself. A few attempts.
        string? thread = null;
        var second = 0;
        for (var attempt = 0; attempt < 5 && thread != "umh-reactor"; attempt++)
        {
            (thread, second) = await client.SendAsync(Call("add", 1, 1)).ContinueWith(_ =>
            {
                // Blocks the reactor's thread on an answer only a reactor can read.
                var next = client.SendAsync(Call("add", 2, 2));
                return (Thread.CurrentThread.Name, next.Wait(Patience) ? next.Result.GetResult<int>() : -1);
            }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default).WaitAsync(Patience * 2);
        }

        Assert.Equal("umh-reactor", thread);
        Assert.Equal(4, second);
        Assert.True(UmhActors.Diagnostics.UmhMetrics.ReactorReliefs > reliefsBefore);
        Assert.True(ObservedReliefs() > reliefsBefore, "umh.reactor.reliefs does not report the relief");
        Assert.Equal(6, (await client.SendAsync(Call("add", 3, 3)).WaitAsync(Patience)).GetResult<int>());
    }

    // What the umh.reactor.reliefs instrument reports, read as an exporter would.
    private static long ObservedReliefs()
    {
        long observed = -1;
        using var listener = new System.Diagnostics.Metrics.MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == UmhActors.Diagnostics.UmhMetrics.MeterName && instrument.Name == "umh.reactor.reliefs") l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => observed = Math.Max(observed, value));
        listener.Start();
        listener.RecordObservableInstruments();
        return observed;
    }

    [Fact]
    public async Task Helpers_whose_continuations_sometimes_block_on_each_other_answer_every_call_once()
    {
        var clients = new List<HelperClient>();
        for (var i = 0; i < 3; i++) clients.Add(new HelperClient((await StartHelperAsync(Inline)).Actor));
        var random = new Random(7);
        var completions = 0;
        var calls = new List<Task<int>>();
        for (var round = 0; round < 10; round++)
        {
            for (var i = 0; i < 3 * 64; i++)
            {
                var client = clients[i % 3];
                var other = clients[(i + 1) % 3];
                // One continuation in a hundred blocks its thread on another helper's answer.
                var blocks = random.Next(100) == 0;
                var asked = round; // a for loop's variable is shared by every closure: read it now
                calls.Add(client.SendAsync(Call("add", i, round)).ContinueWith(t =>
                {
                    Interlocked.Increment(ref completions);
                    if (blocks)
                    {
                        var answer = other.SendAsync(Call("add", asked, 1));
                        Assert.True(answer.Wait(Patience), "a continuation blocked on another helper's answer was not relieved");
                        Assert.Equal(asked + 1, answer.Result.GetResult<int>());
                    }
                    return t.Result.GetResult<int>();
                }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default));
            }
            if (round % 3 == 2) await Task.WhenAll(calls).WaitAsync(Patience * 2);
        }
        var results = await Task.WhenAll(calls).WaitAsync(Patience * 2);
        Assert.Equal(10 * 3 * 64, completions);
        for (var k = 0; k < results.Length; k++) Assert.Equal(k % (3 * 64) + k / (3 * 64), results[k]);
    }
}
