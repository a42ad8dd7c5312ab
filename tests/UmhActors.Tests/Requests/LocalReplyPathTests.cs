using System.Diagnostics;
using Akka.Actor;
using Akka.Routing;
using MessagePack;
using UmhActors.Failures;
using UmhActors.Helpers;
using UmhActors.Hosting;
using UmhActors.Requests;
using UmhActors.Tests.Support;
using Xunit.Abstractions;

namespace UmhActors.Tests.Requests;

/// <summary>The reply path of <see cref="HelperClient"/> without Akka's Ask (a local, unregistered
/// one-shot reply ref) for local helper actors; Ask for anything that may answer from elsewhere.
/// Same answers, same deadlines, same exceptions, same cancellation.</summary>
public sealed class LocalReplyPathTests(ITestOutputHelper output) : HelperSpec(output)
{
    private static readonly TimeSpan ShortWait = TimeSpan.FromMilliseconds(400);

    private static int Sum(HelperResponse response) => MessagePackSerializer.Deserialize<int>(response.RawResult);

    private sealed class BlackHole : ReceiveActor
    {
        public BlackHole() => ReceiveAny(_ => { });
    }

    /// <summary>Records the sender of each request and answers nothing.</summary>
    private sealed class SenderRecorder : ReceiveActor
    {
        public SenderRecorder(TaskCompletionSource<IActorRef> sender) => Receive<HelperRequest>(_ => sender.TrySetResult(Sender));
    }

    [Fact]
    public async Task Answers_reach_their_own_callers_under_64_concurrent_callers()
    {
        var (helper, _) = await StartHelperAsync();
        var client = new HelperClient(helper);
        Assert.True(client.UsesLocalReplies);
        var callers = Enumerable.Range(0, 64).Select(caller => Task.Run(async () =>
        {
            for (var i = 0; i < 200; i++)
            {
                var response = await client.SendAsync(Call("add", caller * 1_000_000, i));
                Assert.Equal(caller * 1_000_000 + i, Sum(response));
            }
        }));
        await Task.WhenAll(callers).WaitAsync(Patience);
    }

    [Fact]
    public async Task A_call_nobody_answers_fails_at_its_deadline_with_the_Ask_timeout()
    {
        var silent = Sys.ActorOf(Props.Create(() => new BlackHole()));
        var client = new HelperClient(silent, askTimeout: ShortWait).WithLocalReplies(true);
        var watch = Stopwatch.StartNew();
        await Assert.ThrowsAsync<AskTimeoutException>(() => client.SendAsync(Call("add", 1, 2)).WaitAsync(Patience));
        Assert.InRange(watch.Elapsed, ShortWait - TimeSpan.FromMilliseconds(20), Patience);
        // The batch too.
        await Assert.ThrowsAsync<AskTimeoutException>(() => client.SendBatchAsync([Call("add", 1, 2)]).WaitAsync(Patience));
    }

    [Fact]
    public async Task A_call_to_a_stopped_helper_ends_as_it_did_with_Ask()
    {
        var (helper, _) = await StartHelperAsync();
        var local = new HelperClient(helper, askTimeout: ShortWait);
        var asking = new HelperClient(helper, askTimeout: ShortWait).WithLocalReplies(false);
        Assert.True(local.UsesLocalReplies);
        await WatchAsync(helper, () => Sys.Stop(helper));
        var viaAsk = await Assert.ThrowsAnyAsync<Exception>(() => asking.SendAsync(Call("add", 1, 2)).WaitAsync(Patience));
        var viaLocal = await Assert.ThrowsAnyAsync<Exception>(() => local.SendAsync(Call("add", 1, 2)).WaitAsync(Patience));
        Assert.IsNotType<TimeoutException>(viaLocal); // WaitAsync's: the call itself must end
        Assert.Equal(viaAsk.GetType(), viaLocal.GetType());
    }

    private async Task WatchAsync(IActorRef actor, Action stop)
    {
        var probe = CreateTestProbe();
        probe.Watch(actor);
        stop();
        await probe.ExpectTerminatedAsync(actor, Patience);
    }

    [Fact]
    public async Task Cancelling_a_call_cancels_it_at_the_helper()
    {
        var (helper, _) = await StartHelperAsync();
        var client = new HelperClient(helper);
        Assert.True(client.UsesLocalReplies);
        using var cancel = new CancellationTokenSource();
        var call = client.SendAsync(Call("sleep", 20_000), cancel.Token);
        await AwaitAssertAsync(async () => Assert.Equal(1, (await helper.Ask<HelperStatus>(GetHelperStatus.Instance, Patience)).InFlight), Patience);
        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call.WaitAsync(Patience));
        // The slot is free at once, not at the request's timeout.
        await AwaitAssertAsync(async () => Assert.Equal(0, (await helper.Ask<HelperStatus>(GetHelperStatus.Instance, Patience)).InFlight), Patience);
    }

    [Fact]
    public async Task A_timed_out_wait_cancels_the_request_at_the_helper()
    {
        var (helper, _) = await StartHelperAsync();
        // A request with no timeout of its own waits askTimeout, the actor's own timeout being longer.
        var client = new HelperClient(helper, askTimeout: ShortWait);
        await Assert.ThrowsAsync<AskTimeoutException>(() => client.SendAsync(Call("sleep", 20_000)).WaitAsync(Patience));
        await AwaitAssertAsync(async () => Assert.Equal(0, (await helper.Ask<HelperStatus>(GetHelperStatus.Instance, Patience)).InFlight), Patience);
    }

    [Fact]
    public async Task A_failure_told_to_the_caller_fails_the_call_with_it()
    {
        // What a dead-letter bouncer does: answer the request's sender with a Status.Failure.
        var recorded = new TaskCompletionSource<IActorRef>(TaskCreationOptions.RunContinuationsAsynchronously);
        var target = Sys.ActorOf(Props.Create(() => new SenderRecorder(recorded)));
        var client = new HelperClient(target).WithLocalReplies(true);
        var call = client.SendAsync(Call("add", 1, 2));
        var sender = await recorded.Task.WaitAsync(Patience);
        sender.Tell(new Status.Failure(new HelperStoppedException("bounced")));
        await Assert.ThrowsAsync<HelperStoppedException>(() => call.WaitAsync(Patience));
    }

    [Fact]
    public async Task A_target_that_may_answer_from_another_node_gets_an_Ask_whose_sender_resolves_by_path()
    {
        var recorded = new TaskCompletionSource<IActorRef>(TaskCreationOptions.RunContinuationsAsynchronously);
        var forwarder = Sys.ActorOf(Props.Create(() => new SenderRecorder(recorded)));
        var client = new HelperClient(forwarder, askTimeout: Patience);
        Assert.False(client.UsesLocalReplies);
        var call = client.SendAsync(Call("add", 1, 2));
        var sender = await recorded.Task.WaitAsync(Patience);
        // An Ask's temp actor is registered: a path serialized to another node comes back to it.
        var resolved = ((ExtendedActorSystem)Sys).Provider.ResolveActorRef(sender.Path.ToString());
        resolved.Tell(new HelperResponse(MessagePackSerializer.Serialize(3)));
        Assert.Equal(3, Sum(await call.WaitAsync(Patience)));
    }

    [Fact]
    public async Task Local_helper_actors_get_the_local_reply_path_and_Akka_routers_an_Ask()
    {
        var (helper, _) = await StartHelperAsync();
        Assert.True(new HelperClient(helper).UsesLocalReplies);
        var helperPool = new HelperClient(Sys.ActorOf(HelperPoolActor.Props("local-replies", TestHelperBlob.Instance, 2, HelperOptions.Default)));
        Assert.True(helperPool.UsesLocalReplies);
        await AwaitAssertAsync(async () => Assert.Equal(5, Sum(await helperPool.SendAsync(Call("add", 2, 3)))), Patience);
        // A router's routees are not visible through Akka's API: they might forward to another node.
        var pool = Sys.ActorOf(HelperActor.Props(TestHelperBlob.Instance).WithRouter(new RoundRobinPool(1)));
        var client = new HelperClient(pool);
        Assert.False(client.UsesLocalReplies);
        await AwaitAssertAsync(async () => Assert.Equal(7, Sum(await client.SendAsync(Call("add", 3, 4)))), Patience);
        var group = Sys.ActorOf(Props.Empty.WithRouter(new RoundRobinGroup(helper.Path.ToStringWithoutAddress())));
        Assert.False(new HelperClient(group).UsesLocalReplies);
    }

    [Fact]
    public async Task Callers_while_the_helper_restarts_all_end()
    {
        var (helper, _) = await StartHelperAsync();
        var client = new HelperClient(helper, askTimeout: TimeSpan.FromSeconds(5));
        Assert.True(client.UsesLocalReplies);
        using var stop = new CancellationTokenSource();
        var ok = 0;
        var failed = 0;
        var callers = Enumerable.Range(0, 64).Select(caller => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    Assert.Equal(caller + 1, Sum(await client.SendAsync(Call("add", caller, 1))));
                    Interlocked.Increment(ref ok);
                }
                catch (Exception e) when (e is HelperFailureException or HelperOverloadedException)
                {
                    Interlocked.Increment(ref failed);
                }
            }
        })).ToArray();
        for (var crash = 0; crash < 3; crash++)
        {
            var pid = await WaitReadyAsync(helper);
            await AwaitAssertAsync(() => Assert.True(Volatile.Read(ref ok) > 100 * (crash + 1)), Patience);
            _ = client.SendAsync(Call("crash")).ContinueWith(static t => t.Exception, TaskScheduler.Default);
            await AwaitAssertAsync(async () =>
            {
                var status = await helper.Ask<HelperStatus>(GetHelperStatus.Instance, Patience);
                Assert.NotEqual(pid, status.Pid);
                Assert.True(status.Ready);
            }, Patience);
        }
        await stop.CancelAsync();
        await Task.WhenAll(callers).WaitAsync(Patience); // no call hangs, no unexpected exception
        Assert.True(ok > 300, $"{ok} answered, {failed} failed");
    }
}
