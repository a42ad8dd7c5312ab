using Akka.Actor;
using UmhActors.Failures;
using UmhActors.Helpers;
using UmhActors.Requests;
using UmhActors.Supervision;
using UmhActors.Tests.Support;
using Xunit.Abstractions;

namespace UmhActors.Tests.Requests;

/// <summary>
/// <see cref="HelperClient"/> posts requests to a local helper actor's <see cref="RequestInbox"/>
/// instead of its mailbox: a cancel never overtakes its request, a stop leaves no post unanswered, a
/// restart loses none, and the actor turn that takes a run of posts sends them in one flush.
/// </summary>
public sealed class RequestInboxTests(ITestOutputHelper output) : HelperSpec(output)
{
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task A_cancel_sent_right_after_its_request_from_any_thread_never_overtakes_it()
    {
        // A cancel that reached the actor before its request would find nothing to cancel, and the
        // request would then run its 30 s: the helper would still hold it once every call ended.
        var (actor, _) = await StartHelperAsync(HelperOptions.Default.WithBounds(4096, 100_000));
        var client = new HelperClient(actor);
        var calls = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => OnThreadOfItsOwn(() =>
        {
            var sent = new List<Task<HelperResponse>>();
            for (var i = 0; i < 300; i++)
            {
                using var cancel = new CancellationTokenSource();
                sent.Add(client.SendAsync(Call("sleep", 30_000), cancel.Token));
                cancel.Cancel();
            }
            return sent;
        })));

        foreach (var call in calls.SelectMany(c => c))
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call.WaitAsync(Settle));
        var status = await WaitForAsync(actor, s => s.InFlight == 0 && s.Queued == 0);
        Assert.True(status.InFlight == 0 && status.Queued == 0,
            $"{status.InFlight} requests still in flight and {status.Queued} queued after every call was cancelled: a cancel overtook its request");
    }

    [Fact]
    public async Task Requests_racing_a_stop_each_end_at_once_with_an_answer_or_a_typed_failure()
    {
        for (var round = 0; round < 5; round++)
        {
            var (actor, _) = await StartHelperAsync(HelperOptions.Default.WithBounds(4096, 100_000));
            // The Ask timeout is far beyond the patience below: a post left in the inbox at the stop would show as a hang.
            var client = new HelperClient(actor, askTimeout: TimeSpan.FromMinutes(5));
            using var stopped = new CancellationTokenSource();
            var senders = Enumerable.Range(0, 3).Select(_ => OnThreadOfItsOwn(() =>
            {
                var sent = new List<Task<HelperResponse>>();
                // Posting on while the actor stops: a post lands before the inbox's last drain, in it
                // when it closes (then dead letters), or after (refused, then sent the ordinary way).
                while (!stopped.IsCancellationRequested && sent.Count < 5_000)
                {
                    sent.Add(client.SendAsync(Call("echo", "x")));
                    if (sent.Count % 16 == 0) Thread.Sleep(1);
                }
                // A few more once the actor is gone: refused by the closed inbox.
                stopped.Token.WaitHandle.WaitOne(Patience);
                for (var i = 0; i < 50; i++) sent.Add(client.SendAsync(Call("echo", "x")));
                return sent;
            })).ToArray();
            await Task.Delay(50);
            var stopping = client.StopAsync(Patience);
            Watch(actor);
            ExpectTerminated(actor, Patience);
            await stopped.CancelAsync();
            await stopping;
            var calls = (await Task.WhenAll(senders)).SelectMany(s => s).ToList();

            var ended = await Task.WhenAll(calls.Select(async call =>
            {
                try
                {
                    await call.WaitAsync(Settle);
                    return "answered";
                }
                catch (HelperStoppedException)
                {
                    return "stopped";
                }
                catch (HelperRequestUndeliveredException)
                {
                    return "undelivered";
                }
                catch (HelperOverloadedException)
                {
                    return "overloaded";
                }
            }));
            Output.WriteLine($"round {round}: {calls.Count} calls: " +
                string.Join(", ", ended.GroupBy(e => e).Select(g => $"{g.Count()} {g.Key}")));
            Assert.Contains("undelivered", ended);
        }
    }

    [Fact]
    public async Task Requests_posted_while_the_actor_restarts_are_kept_for_its_next_incarnation()
    {
        // EscalateAll: the crash fails the actor, and its parent restarts it. The inbox, like the
        // mailbox, keeps what is posted meanwhile for the new incarnation: a post is answered, or
        // failed with the crash or the old incarnation's stop, never dropped as undelivered.
        var parent = Sys.ActorOf(Props.Create(() => new RestartingParent(
            HelperActor.Props(TestHelperBlob.Instance, HelperOptions.Default.WithSupervision(HelperSupervisionPolicy.EscalateAll)))));
        var child = await parent.Ask<IActorRef>(RestartingParent.GetChild.Instance, Patience);
        var firstPid = await WaitReadyAsync(child);
        var client = new HelperClient(child, askTimeout: TimeSpan.FromMinutes(5));
        using var restarted = new CancellationTokenSource();
        var sender = OnThreadOfItsOwn(() =>
        {
            var sent = new List<Task<HelperResponse>>();
            while (!restarted.IsCancellationRequested && sent.Count < 50_000)
            {
                sent.Add(client.SendAsync(Call("echo", "x")));
                if (sent.Count % 8 == 0) Thread.Sleep(1);
            }
            return sent;
        });
        await Task.Delay(50);
        await Assert.ThrowsAnyAsync<HelperFailureException>(() => client.SendAsync(Call("crash")).WaitAsync(Patience));
        var secondPid = await WaitReadyAsync(child);
        await Task.Delay(50);
        await restarted.CancelAsync();

        var ended = await Task.WhenAll((await sender).Select(async call =>
        {
            try
            {
                await call.WaitAsync(Settle);
                return "answered";
            }
            catch (Exception e) when (e is HelperStoppedException or HelperFailureException)
            {
                return "failed with the crash or the stop";
            }
        }));
        Output.WriteLine($"{ended.Length} requests around the restart: " + string.Join(", ", ended.GroupBy(e => e).Select(g => $"{g.Count()} {g.Key}")));
        Assert.NotEqual(firstPid, secondPid);
        Assert.Contains("answered", ended);
    }

    // Senders that sleep must not hold pool threads: the actor and the replies run there.
    private static Task<List<Task<HelperResponse>>> OnThreadOfItsOwn(Func<List<Task<HelperResponse>>> send) =>
        Task.Factory.StartNew(send, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    private static async Task<HelperStatus> WaitForAsync(IActorRef actor, Func<HelperStatus, bool> condition)
    {
        var deadline = DateTime.UtcNow + Settle;
        while (true)
        {
            var status = await actor.Ask<HelperStatus>(GetHelperStatus.Instance, Patience);
            if (condition(status) || DateTime.UtcNow > deadline) return status;
            await Task.Delay(20);
        }
    }

    /// <summary>Restarts its one child on any failure.</summary>
    private sealed class RestartingParent : ReceiveActor
    {
        public RestartingParent(Props childProps)
        {
            var child = Context.ActorOf(childProps, "helper");
            Receive<GetChild>(_ => Sender.Tell(child));
        }

        protected override SupervisorStrategy SupervisorStrategy() =>
            new OneForOneStrategy(_ => Directive.Restart);

        public sealed class GetChild
        {
            public static GetChild Instance { get; } = new();
        }
    }
}
