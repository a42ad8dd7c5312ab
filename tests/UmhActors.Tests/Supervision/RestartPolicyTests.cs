using System.Diagnostics;
using Akka.Actor;
using Akka.Configuration;
using UmhActors.Failures;
using UmhActors.Helpers;
using UmhActors.Requests;
using UmhActors.Supervision;
using UmhActors.Tests.Support;
using Xunit.Abstractions;

namespace UmhActors.Tests.Supervision;

public sealed class RestartPolicyTests(ITestOutputHelper output) : HelperSpec(output)
{
    private static readonly HelperBackoff Doubling = new(TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(800), 0, TimeSpan.FromMinutes(1));

    [Fact]
    public async Task Restart_delays_follow_the_backoff()
    {
        var policy = HelperSupervisionPolicy.Default.With(HelperFailureKind.Crashed, HelperKindPolicy.Restart with { Backoff = Doubling });
        var (helper, _) = await StartHelperAsync(HelperOptions.Default.WithSupervision(policy));
        var decisions = SubscribeDecisions();
        var client = new HelperClient(helper);

        var expected = new[] { 200, 400, 800, 800 };
        for (var i = 0; i < expected.Length; i++)
        {
            // Started before the crash, so before the relaunch timer: the new helper can only be
            // ready after at least the delay since then, however the threads are scheduled.
            var sinceBeforeCrash = Stopwatch.StartNew();
            await Assert.ThrowsAsync<HelperCrashedException>(() => client.SendAsync(Call("crash")));
            var decision = decisions.ExpectMsg<HelperSupervisionDecision>(Patience);
            Assert.Equal(i + 1, decision.Attempt);
            Assert.Equal(expected[i], decision.Delay.TotalMilliseconds, precision: 0);
            await WaitReadyAsync(helper);
            Assert.True(sinceBeforeCrash.ElapsedMilliseconds >= expected[i],
                $"restart {i + 1} was ready {sinceBeforeCrash.ElapsedMilliseconds} ms after the crash, before its {expected[i]} ms delay");
        }
    }

    [Fact]
    public async Task Exceeding_the_restart_intensity_stops_the_actor()
    {
        var policy = HelperSupervisionPolicy.Default
            .WithBackoff(HelperBackoff.None)
            .WithIntensity(new RestartIntensity(2, TimeSpan.FromMinutes(1)));
        var (helper, _) = await StartHelperAsync(HelperOptions.Default.WithSupervision(policy));
        var decisions = SubscribeDecisions();
        Watch(helper);
        var client = new HelperClient(helper);

        for (var i = 1; i <= 2; i++)
        {
            await Assert.ThrowsAsync<HelperCrashedException>(() => client.SendAsync(Call("crash")));
            Assert.Equal(HelperDirective.Restart, decisions.ExpectMsg<HelperSupervisionDecision>(Patience).Directive);
            await WaitReadyAsync(helper);
        }
        await Assert.ThrowsAsync<HelperCrashedException>(() => client.SendAsync(Call("crash")));
        var last = decisions.ExpectMsg<HelperSupervisionDecision>(Patience);
        Assert.Equal(HelperDirective.Stop, last.Directive);
        Assert.True(last.IntensityExceeded);
        ExpectTerminated(helper, Patience);
    }

    [Fact]
    public async Task Requests_sent_during_a_restart_are_served_by_the_new_helper()
    {
        var policy = HelperSupervisionPolicy.Default.With(HelperFailureKind.Crashed,
            HelperKindPolicy.Restart with { Backoff = new HelperBackoff(TimeSpan.FromMilliseconds(500), TimeSpan.FromMilliseconds(500), 0, TimeSpan.FromMinutes(1)) });
        var (helper, oldPid) = await StartHelperAsync(HelperOptions.Default.WithSupervision(policy));
        var client = new HelperClient(helper);
        await Assert.ThrowsAsync<HelperCrashedException>(() => client.SendAsync(Call("crash")));

        var during = Enumerable.Range(0, 20).Select(i => client.CallAsync<int[], int>("add", [i, 100])).ToArray();
        var pid = await client.CallAsync<object[], int>("pid", []);
        var answers = await Task.WhenAll(during).WaitAsync(Patience);
        Assert.Equal(Enumerable.Range(100, 20), answers);
        Assert.NotEqual(oldPid, pid);
    }

    [Fact]
    public async Task Escalate_throws_the_failure_to_the_actors_supervisor()
    {
        var escalations = CreateTestProbe();
        var parent = Sys.ActorOf(Props.Create(() => new ReportingParent(escalations.Ref)));
        var helper = await parent.Ask<IActorRef>(HelperActor.Props(TestHelperBlob.Instance,
            HelperOptions.Default.WithSupervision(HelperSupervisionPolicy.EscalateAll)), Patience);
        await WaitReadyAsync(helper);
        await Assert.ThrowsAsync<HelperCrashedException>(() => new HelperClient(helper).SendAsync(Call("crash")));
        var escalated = escalations.ExpectMsg<HelperCrashedException>(Patience);
        Assert.Equal("testhelper", escalated.HelperName);
    }

    [Fact]
    public void The_policy_table_reads_from_HOCON()
    {
        var policy = HelperSupervisionPolicy.FromConfig(ConfigurationFactory.ParseString("""
            umh.supervision {
              killed { directive = restart, min-backoff = 1s, max-backoff = 5s }
              crashed { max-restarts = 4, within = 10s, when-exceeded = escalate }
            }
            """));
        Assert.Equal(HelperDirective.Restart, policy.For(HelperFailureKind.Killed).Directive);
        Assert.Equal(TimeSpan.FromSeconds(1), policy.For(HelperFailureKind.Killed).Backoff.Min);
        Assert.Equal(new RestartIntensity(4, TimeSpan.FromSeconds(10), HelperDirective.Escalate), policy.For(HelperFailureKind.Crashed).Intensity);
        Assert.Equal(HelperDirective.Stop, policy.For(HelperFailureKind.Exited).Directive);
        Assert.Equal(3, policy.For(HelperFailureKind.OomKilled).Intensity.MaxRestarts);
    }

    [Fact]
    public void Impossible_policies_are_refused()
    {
        Assert.Throws<ArgumentException>(() => HelperSupervisionPolicy.FromConfig(ConfigurationFactory.ParseString("umh.supervision.crashed.directive = sometimes")));
        Assert.Throws<ArgumentException>(() => HelperSupervisionPolicy.Default.WithIntensity(new RestartIntensity(1, TimeSpan.FromSeconds(1), HelperDirective.Restart)));
        Assert.Throws<ArgumentException>(() => HelperSupervisionPolicy.Default.WithBackoff(new HelperBackoff(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(1), 0, TimeSpan.Zero)));
    }

    private Akka.TestKit.TestProbe SubscribeDecisions()
    {
        var probe = CreateTestProbe();
        Sys.EventStream.Subscribe(probe.Ref, typeof(HelperSupervisionDecision));
        return probe;
    }

    /// <summary>Creates the child it is asked to and reports every failure the child escalates.</summary>
    private sealed class ReportingParent : ReceiveActor
    {
        private readonly IActorRef _reports;

        public ReportingParent(IActorRef reports)
        {
            _reports = reports;
            Receive<Props>(props => Sender.Tell(Context.ActorOf(props)));
        }

        protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(failure =>
        {
            _reports.Tell(failure);
            return Directive.Stop;
        });
    }
}
