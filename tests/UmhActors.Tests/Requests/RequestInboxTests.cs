using Akka.Actor;
using UmhActors.Failures;
using UmhActors.Helpers;
using UmhActors.Hosting;
using UmhActors.Requests;
using UmhActors.Supervision;
using UmhActors.Tests.Hosting;
using UmhActors.Tests.Support;
using Xunit.Abstractions;

namespace UmhActors.Tests.Requests;

/// <summary>
/// <see cref="HelperClient"/> posts requests to a local helper actor's or helper pool's
/// <see cref="RequestInbox"/> instead of its mailbox (and a pool routes each turn's posts into its helper
/// actors' inboxes): a cancel never overtakes its request, a stop leaves no post unanswered, and a
/// restart loses none.
/// </summary>
public sealed class RequestInboxTests(ITestOutputHelper output) : HelperSpec(output)
{
    public enum Target
    {
        HelperActor,
        HelperPool,
    }

    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(5);
    private static readonly HelperOptions Roomy = HelperOptions.Default.WithBounds(4096, 100_000);

    [Theory]
    [InlineData(Target.HelperActor)]
    [InlineData(Target.HelperPool)]
    public async Task A_cancel_sent_right_after_its_request_from_any_thread_never_overtakes_it(Target target)
    {
        // A cancel that reached a helper actor before its request would find nothing to cancel, and the
        // request would then run its 30 s: a helper would still hold it once every call ended.
        var actor = await StartAsync(target, "cancels");
        var client = new HelperClient(actor);
        var calls = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => PostingThreads.Start(() =>
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
        var held = await HeldAfterSettlingAsync(target, actor);
        Assert.True(held == 0, $"helpers still hold {held} requests after every call was cancelled: a cancel overtook its request");
    }

    [Theory]
    [InlineData(Target.HelperActor)]
    [InlineData(Target.HelperPool)]
    public async Task Requests_racing_a_stop_each_end_at_once_with_an_answer_or_a_typed_failure(Target target)
    {
        for (var round = 0; round < 4; round++)
        {
            var actor = await StartAsync(target, $"stopping-{round}");
            // The Ask timeout is far beyond the patience below: a post left in an inbox at the stop would show as a hang.
            var client = new HelperClient(actor, askTimeout: TimeSpan.FromMinutes(5));
            using var stopped = new CancellationTokenSource();
            var senders = Enumerable.Range(0, 3).Select(_ => PostingThreads.Start(() =>
            {
                // Posting on while the actor stops: a post lands before the inbox's last drain, in it
                // when it closes (then dead letters), or after (refused, then sent the ordinary way).
                var sent = PostUntil(client, stopped.Token, limit: 5_000, sleepEvery: 16);
                // A few more once the actor is gone: refused by the closed inbox.
                stopped.Token.WaitHandle.WaitOne(Patience);
                for (var i = 0; i < 50; i++) sent.Add(client.SendAsync(Call("echo", "x")));
                return sent;
            })).ToArray();
            await Task.Delay(50);
            Watch(actor);
            // A helper actor is stopped as an application would (its helper asked to shut down); a pool with a PoisonPill.
            var stopping = Task.CompletedTask;
            if (target == Target.HelperActor) stopping = client.StopAsync(Patience);
            else actor.Tell(PoisonPill.Instance);
            ExpectTerminated(actor, Patience);
            await stopped.CancelAsync();
            await stopping;
            var calls = (await Task.WhenAll(senders)).SelectMany(s => s).ToList();

            var ended = await PostingThreads.OutcomesAsync(calls, Settle,
                typeof(HelperStoppedException), typeof(HelperRequestUndeliveredException), typeof(HelperOverloadedException));
            Output.WriteLine($"round {round}: {calls.Count} calls: {PostingThreads.Summary(ended)}");
            Assert.Contains(nameof(HelperRequestUndeliveredException), ended);
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
        var sender = PostingThreads.Start(() => PostUntil(client, restarted.Token, limit: 50_000, sleepEvery: 8));
        await Task.Delay(50);
        await Assert.ThrowsAnyAsync<HelperFailureException>(() => client.SendAsync(Call("crash")).WaitAsync(Patience));
        var secondPid = await WaitReadyAsync(child);
        await Task.Delay(50);
        await restarted.CancelAsync();

        var ended = await PostingThreads.OutcomesAsync(await sender, Settle, typeof(HelperStoppedException), typeof(HelperFailureException));
        Output.WriteLine($"{ended.Length} requests around the restart: {PostingThreads.Summary(ended)}");
        Assert.NotEqual(firstPid, secondPid);
        Assert.Contains("answered", ended);
    }

    [Fact]
    public async Task Requests_posted_while_a_pool_restarts_are_kept_for_its_next_incarnation()
    {
        // A restart stops the pool's helper actors (what they hold fails as stopped, or undelivered by
        // them) and starts new ones; what waits in the pool's own inbox is routed by the new
        // incarnation, never dead-lettered by the pool.
        var parent = Sys.ActorOf(Props.Create(() => new RestartingParent(HelperPoolActor.Props("restarting", TestHelperBlob.Instance, 2, Roomy))));
        var pool = await parent.Ask<IActorRef>(RestartingParent.GetChild.Instance, Patience);
        var before = await HelperPoolProbe.ReadyPidsAsync(pool, 2);
        var client = new HelperClient(pool, askTimeout: TimeSpan.FromMinutes(5));
        using var restarted = new CancellationTokenSource();
        var sender = PostingThreads.Start(() => PostUntil(client, restarted.Token, limit: 50_000, sleepEvery: 8));
        await Task.Delay(50);
        // Kill fails the pool with ActorKilledException; its parent restarts it.
        pool.Tell(Kill.Instance);
        await Task.Delay(50);
        var after = await HelperPoolProbe.ReadyPidsAsync(pool, 2);
        await restarted.CancelAsync();
        var calls = await sender;

        var ended = await PostingThreads.OutcomesAsync(calls, Settle, typeof(HelperStoppedException), typeof(HelperRequestUndeliveredException));
        Output.WriteLine($"{calls.Count} requests around the restart: {PostingThreads.Summary(ended)}");
        Assert.Empty(before.Intersect(after));
        Assert.Contains("answered", ended);
        var fromThePool = calls.Count(call => call.Exception?.InnerException is HelperRequestUndeliveredException e && e.Recipient == pool.Path.ToString());
        Assert.True(fromThePool == 0, $"{fromThePool} requests were dead-lettered by the pool's own inbox at its restart");
    }

    private async Task<IActorRef> StartAsync(Target target, string name)
    {
        if (target == Target.HelperActor) return (await StartHelperAsync(Roomy, name)).Actor;
        var pool = Sys.ActorOf(HelperPoolActor.Props(name, TestHelperBlob.Instance, 2, Roomy), name);
        await HelperPoolProbe.ReadyPidsAsync(pool, 2);
        return pool;
    }

    private static List<Task<HelperResponse>> PostUntil(HelperClient client, CancellationToken stop, int limit, int sleepEvery)
    {
        var sent = new List<Task<HelperResponse>>();
        while (!stop.IsCancellationRequested && sent.Count < limit)
        {
            sent.Add(client.SendAsync(Call("echo", "x")));
            if (sent.Count % sleepEvery == 0) Thread.Sleep(1);
        }
        return sent;
    }

    // The requests the target's helper actors still hold (in flight or queued), once they hold none or Settle ran out.
    private static async Task<int> HeldAfterSettlingAsync(Target target, IActorRef actor)
    {
        var deadline = DateTime.UtcNow + Settle;
        while (true)
        {
            var helpers = target == Target.HelperActor ? [actor] : (await HelperPoolProbe.RouteesAsync(actor)).Active;
            var statuses = await Task.WhenAll(helpers.Select(h => h.Ask<HelperStatus>(GetHelperStatus.Instance, Patience)));
            var held = statuses.Sum(s => s.InFlight + s.Queued);
            if (held == 0 || DateTime.UtcNow > deadline) return held;
            await Task.Delay(20);
        }
    }
}
