using Akka.Actor;
using MessagePack;
using UmhActors.Helpers;
using UmhActors.Requests;
using UmhActors.Tests.Support;
using Xunit.Abstractions;

namespace UmhActors.Tests.Requests;

/// <summary>How a local reply ends: the first of its answer, its deadline and its caller's token wins,
/// exactly once; the caller's task is completed on the thread pool (answers of one read together), and
/// nothing of the reply (deadline link, cancellation) is left behind.</summary>
public sealed class LocalReplyCompletionTests(ITestOutputHelper output) : HelperSpec(output)
{
    private static readonly HelperResponse Answer = new(MessagePackSerializer.Serialize(1));

    private LocalReply<HelperResponse> NewReply(IActorRef target, TimeSpan? timeout) =>
        new(((ExtendedActorSystem)Sys).Provider, target, timeout);

    // How each reply ended (each must have); completed means disarmed: no deadline link keeps it alive.
    private async Task<(int Answered, int Cancelled, int Expired)> OutcomesAsync(IEnumerable<LocalReply<HelperResponse>> replies)
    {
        int answered = 0, cancelled = 0, expired = 0;
        foreach (var reply in replies)
        {
            try
            {
                Assert.Same(Answer, await reply.Task.WaitAsync(Patience));
                answered++;
            }
            catch (OperationCanceledException)
            {
                cancelled++;
            }
            catch (AskTimeoutException)
            {
                expired++;
            }
            Assert.Equal(-1, reply.DeadlineStripe);
        }
        Output.WriteLine($"{answered} answered, {cancelled} cancelled, {expired} expired");
        return (answered, cancelled, expired);
    }

    [Fact]
    public async Task Answers_cancellations_and_deadlines_racing_end_each_reply_exactly_once()
    {
        var probe = CreateTestProbe();
        const int count = 3_000;
        var replies = new LocalReply<HelperResponse>[count];
        var tokens = new CancellationTokenSource[count];
        for (var i = 0; i < count; i++)
        {
            tokens[i] = new CancellationTokenSource();
            // Real deadlines for a third of them, from 1 ms: the sweep races the three racers below.
            replies[i] = NewReply(probe.Ref, i % 3 == 0 ? TimeSpan.FromMilliseconds(1 + i % 40) : TimeSpan.FromMinutes(10));
            replies[i].Arm(tokens[i].Token);
        }
        // Three racers go over the replies in lock step (none starts reply i before the others have
        // ended reply i - 1), each pausing at random, so that at each reply the answer, the token and
        // the deadline (the sweep's call) come in every order.
        using var start = new Barrier(3);
        var reached = new int[3];
        Task Racer(int racer, Action<int> end) => Task.Factory.StartNew(() =>
        {
            var random = new Random(racer);
            start.SignalAndWait();
            for (var i = 0; i < count; i++)
            {
                var wait = new SpinWait();
                while (Volatile.Read(ref reached[(racer + 1) % 3]) < i || Volatile.Read(ref reached[(racer + 2) % 3]) < i) wait.SpinOnce();
                Thread.SpinWait(random.Next(100));
                end(i);
                Volatile.Write(ref reached[racer], i + 1);
            }
        }, TaskCreationOptions.LongRunning);
        var answering = Racer(0, i => replies[i].Tell(Answer, ActorRefs.NoSender));
        var cancelling = Racer(1, i => tokens[i].Cancel());
        var expiring = Racer(2, i => replies[i].Expire());
        await Task.WhenAll(answering, cancelling, expiring).WaitAsync(Patience);

        var (answered, cancelled, expired) = await OutcomesAsync(replies);
        Assert.Equal(count, answered + cancelled + expired);
        Assert.True(answered > 0 && cancelled > 0 && expired > 0, "the racers did not meet");
        // Each cancellation and each expiry told the target once to cancel its request; an answer never.
        var cancels = probe.ReceiveN(cancelled + expired, Patience);
        Assert.All(cancels, message => Assert.IsType<CancelHelperRequest>(message));
        Assert.Equal(cancelled + expired, cancels.Select(m => ((CancelHelperRequest)m).Requester).Distinct().Count());
        probe.ExpectNoMsg(TimeSpan.Zero);
        foreach (var token in tokens) token.Dispose();
    }

    [Fact]
    public async Task Batches_of_answers_racing_deadlines_tokens_and_late_arms_leave_no_deadline_behind()
    {
        var probe = CreateTestProbe();
        const int count = 6_000;
        var random = new Random(11);
        var replies = new LocalReply<HelperResponse>[count];
        var tokens = new CancellationTokenSource[count];
        var armLater = new List<int>();
        for (var i = 0; i < count; i++)
        {
            tokens[i] = new CancellationTokenSource();
            // No deadline, a deadline the sweep may reach first, or one it never reaches.
            replies[i] = NewReply(probe.Ref, (i % 3) switch
            {
                0 => null,
                1 => TimeSpan.FromMilliseconds(random.Next(1, 30)),
                _ => TimeSpan.FromMinutes(10),
            });
            // One in five is answered and completed before its Arm (the request told, Arm not yet run).
            if (i % 5 == 0) armLater.Add(i);
            else replies[i].Arm(tokens[i].Token);
        }
        using var start = new Barrier(4);
        Task Racer(Action run) => Task.Factory.StartNew(() =>
        {
            start.SignalAndWait();
            run();
        }, TaskCreationOptions.LongRunning);
        // The reactor's side: batches of answers read together, each batch disarming its replies at once.
        // The cancelling and expiring racers work just ahead of the answers (at the frontier), so
        // that each reply meets its answer, its token and its expiry in every order.
        var frontier = 0;
        var answered = false;
        var acted = new int[2];
        var answering = Racer(() =>
        {
            var batchRandom = new Random(12);
            var batch = new List<LocalReply>();
            for (var i = 0; i < count;)
            {
                var size = batchRandom.Next(1, 64);
                for (var end = Math.Min(count, i + size); i < end; i++)
                    if (replies[i].TryAnswer(Answer)) batch.Add(replies[i]);
                ReplyCompletionBatch.Schedule(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(batch));
                batch.Clear();
                // Each of the other two acts at least once ahead of the next batch, however the threads are scheduled.
                var (cancelsBefore, expiriesBefore) = (Volatile.Read(ref acted[0]), Volatile.Read(ref acted[1]));
                Volatile.Write(ref frontier, i);
                var wait = new SpinWait();
                while (Volatile.Read(ref acted[0]) == cancelsBefore || Volatile.Read(ref acted[1]) == expiriesBefore) wait.SpinOnce();
                Thread.SpinWait(batchRandom.Next(2_000));
            }
            Volatile.Write(ref answered, true);
        });
        Task AheadOfTheAnswers(int racer, Action<int> end) => Racer(() =>
        {
            var random = new Random(13 + racer);
            var last = -1;
            while (!Volatile.Read(ref answered))
            {
                // Once per batch: the next replies are then answered, cancelled and expired in turn.
                var at = Volatile.Read(ref frontier);
                if (at == last)
                {
                    Thread.SpinWait(20);
                    continue;
                }
                last = at;
                Thread.SpinWait(random.Next(200));
                if (at + random.Next(64) is var i && i < count) end(i);
                Interlocked.Increment(ref acted[racer]);
            }
        });
        var cancelling = AheadOfTheAnswers(0, i => tokens[i].Cancel());
        var expiring = AheadOfTheAnswers(1, i => replies[i].Expire());
        var arming = Racer(() =>
        {
            foreach (var i in armLater) replies[i].Arm(tokens[i].Token);
        });
        await Task.WhenAll(answering, cancelling, expiring, arming).WaitAsync(Patience);

        var (answeredCount, cancelled, expired) = await OutcomesAsync(replies);
        Assert.Equal(count, answeredCount + cancelled + expired);
        Assert.True(answeredCount > 0 && cancelled > 0 && expired > 0, "the racers did not meet");
        // A token cancelled after its reply completed does nothing: each cancellation and expiry that won told the target once.
        var cancels = probe.ReceiveN(cancelled + expired, Patience);
        Assert.Equal(cancelled + expired, cancels.Select(m => ((CancelHelperRequest)m).Requester).Distinct().Count());
        probe.ExpectNoMsg(TimeSpan.Zero);
        foreach (var token in tokens) token.Dispose();
    }

    [Fact]
    public async Task A_reply_answered_before_it_is_armed_leaves_no_deadline_behind()
    {
        var probe = CreateTestProbe();
        var reply = NewReply(probe.Ref, TimeSpan.FromMinutes(10));
        using var token = new CancellationTokenSource();
        // The answer comes (and its completion runs) between the request's Tell and Arm.
        Assert.True(reply.TryAnswer(Answer));
        reply.Complete();
        reply.Arm(token.Token);
        Assert.Same(Answer, await reply.Task.WaitAsync(Patience));
        Assert.Equal(-1, reply.DeadlineStripe);
        token.Cancel();
        probe.ExpectNoMsg(TimeSpan.Zero);
    }

    [Fact]
    public async Task A_continuation_that_blocks_holds_up_no_other_answer_of_its_read()
    {
        var probe = CreateTestProbe();
        var replies = Enumerable.Range(0, 4).Select(_ => NewReply(probe.Ref, null)).ToArray();
        foreach (var reply in replies) reply.Arm(CancellationToken.None);
        // The first caller's continuation runs inline on the batch's work item and blocks until the
        // others are answered: only another work item can complete them.
        var others = Task.WhenAll(replies.Skip(1).Select(r => r.Task));
        var blocked = replies[0].Task.ContinueWith(_ => others.Wait(TimeSpan.FromSeconds(5)), CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        foreach (var reply in replies) Assert.True(reply.TryAnswer(Answer));
        ReplyCompletionBatch.Schedule(replies.ToArray<LocalReply>());
        Assert.True(await blocked.WaitAsync(Patience), "the other answers of the read waited for the blocked continuation");
        await others.WaitAsync(Patience);
    }

    [Fact]
    public async Task Continuations_that_block_one_after_another_hold_up_no_other_answer_of_their_read()
    {
        var probe = CreateTestProbe();
        var replies = Enumerable.Range(0, 6).Select(_ => NewReply(probe.Ref, null)).ToArray();
        foreach (var reply in replies) reply.Arm(CancellationToken.None);
        // The first five continuations each block until the last reply is answered: each work item that
        // takes one is stuck in turn, so the batch must be taken over five times before the last completes.
        var last = replies[^1].Task;
        var blocked = replies[..^1].Select(r => r.Task.ContinueWith(_ => last.Wait(TimeSpan.FromSeconds(10)), CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default)).ToArray();
        foreach (var reply in replies) Assert.True(reply.TryAnswer(Answer));
        ReplyCompletionBatch.Schedule(replies.ToArray<LocalReply>());
        await last.WaitAsync(Patience);
        Assert.All(await Task.WhenAll(blocked).WaitAsync(Patience), Assert.True);
    }

    [Fact]
    public async Task Batches_scheduled_from_many_threads_with_continuations_that_sometimes_block_complete_every_reply_once()
    {
        var probe = CreateTestProbe();
        const int batches = 300;
        var ran = new int[batches * 20];
        var tasks = new List<Task>();
        var all = new List<LocalReply<HelperResponse>[]>();
        var random = new Random(5);
        var next = 0;
        for (var b = 0; b < batches; b++)
        {
            var replies = Enumerable.Range(0, random.Next(2, 21)).Select(_ => NewReply(probe.Ref, null)).ToArray();
            foreach (var reply in replies)
            {
                reply.Arm(CancellationToken.None);
                var slot = next++;
                // One continuation in fifty blocks for a while: the watch must let the others of its batch go on.
                var sleep = random.Next(50) == 0 ? random.Next(20, 60) : 0;
                tasks.Add(reply.Task.ContinueWith(_ =>
                {
                    Interlocked.Increment(ref ran[slot]);
                    if (sleep > 0) Thread.Sleep(sleep);
                }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default));
                Assert.True(reply.TryAnswer(Answer));
            }
            all.Add(replies);
        }
        // Four threads schedule the batches at once, as four helpers' reactors would.
        await Task.WhenAll(Enumerable.Range(0, 4).Select(t => Task.Factory.StartNew(() =>
        {
            for (var b = t; b < batches; b += 4) ReplyCompletionBatch.Schedule(all[b].ToArray<LocalReply>());
        }, TaskCreationOptions.LongRunning)));

        await Task.WhenAll(tasks).WaitAsync(Patience);
        Assert.All(ran.Take(next), count => Assert.Equal(1, count));
        Assert.All(all.SelectMany(r => r), reply => Assert.Same(Answer, reply.Task.Result));
        probe.ExpectNoMsg(TimeSpan.Zero);
    }

    [Fact]
    public async Task Callers_racing_their_own_cancellation_and_deadline_against_the_helper_each_end_and_free_their_slots()
    {
        var (helper, _) = await StartHelperAsync();
        // Deadlines of 5 to 45 ms against answers of 0 to 3 ms, and calls of 20 s that only a deadline
        // or a token can end: their slots come back only if the actor is told to cancel them.
        var clients = new[] { 5, 15, 45 }.Select(ms => new HelperClient(helper, askTimeout: TimeSpan.FromMilliseconds(ms))).ToArray();
        Assert.All(clients, c => Assert.True(c.UsesLocalReplies));
        int answered = 0, cancelled = 0, expired = 0;
        var callers = Enumerable.Range(0, 16).Select(caller => Task.Run(async () =>
        {
            var random = new Random(caller);
            for (var i = 0; i < 60; i++)
            {
                var client = clients[random.Next(clients.Length)];
                var sleep = random.Next(8) == 0 ? 20_000 : random.Next(4);
                using var cancel = new CancellationTokenSource();
                var call = client.SendAsync(Call("sleep", sleep), cancel.Token);
                if (random.Next(3) == 0)
                {
                    Thread.SpinWait(random.Next(20_000));
                    cancel.Cancel();
                }
                try
                {
                    var response = await call;
                    Assert.Equal(sleep, MessagePackSerializer.Deserialize<int>(response.RawResult));
                    Interlocked.Increment(ref answered);
                }
                catch (OperationCanceledException)
                {
                    Interlocked.Increment(ref cancelled);
                }
                catch (AskTimeoutException)
                {
                    Interlocked.Increment(ref expired);
                }
            }
        })).ToArray();
        await Task.WhenAll(callers).WaitAsync(Patience); // every call ended, with nothing but those three
        Output.WriteLine($"{answered} answered, {cancelled} cancelled, {expired} expired");
        Assert.Equal(16 * 60, answered + cancelled + expired);
        Assert.True(answered > 0 && cancelled + expired > 0, $"{answered} answered, {cancelled} cancelled, {expired} expired");
        await AwaitAssertAsync(async () =>
        {
            var status = await helper.Ask<HelperStatus>(GetHelperStatus.Instance, Patience);
            Assert.Equal(0, status.InFlight);
            Assert.Equal(0, status.Queued);
        }, Patience);
    }

    [Fact]
    public async Task No_caller_continuation_runs_on_the_reactor_thread()
    {
        var (helper, _) = await StartHelperAsync(HelperOptions.Default.WithResponsePollBudget(TimeSpan.Zero));
        var client = new HelperClient(helper);
        var threads = new System.Collections.Concurrent.ConcurrentBag<string?>();
        for (var round = 0; round < 20; round++)
        {
            // Continuations that run wherever the task is completed: many answers per read.
            var calls = Enumerable.Range(0, 64).Select(i => client.SendAsync(Call("add", i, 1)).ContinueWith(t =>
            {
                threads.Add(Thread.CurrentThread.Name);
                return t.Result;
            }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default));
            await Task.WhenAll(calls).WaitAsync(Patience);
        }
        Assert.Equal(20 * 64, threads.Count);
        Assert.DoesNotContain("umh-reactor", threads);
    }

    [Fact]
    public async Task A_failure_without_a_cause_fails_the_call_and_not_the_process()
    {
        var probe = CreateTestProbe();
        var reply = NewReply(probe.Ref, null);
        reply.Arm(CancellationToken.None);
        // Completed on a thread-pool work item: an exception there would end the test host.
        reply.Tell(new Status.Failure(null!), ActorRefs.NoSender);
        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => reply.Task.WaitAsync(Patience));
        Assert.Contains("without a cause", failure.Message);
    }
}
