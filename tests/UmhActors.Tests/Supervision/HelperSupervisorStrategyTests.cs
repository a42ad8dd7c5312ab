using System.Diagnostics;
using Akka.Actor;
using Akka.TestKit;
using UmhActors.Failures;
using UmhActors.Helpers;
using UmhActors.Native.Blobs;
using UmhActors.Native.Launch;
using UmhActors.Supervision;
using UmhActors.Tests.Shared;
using UmhActors.Tests.Support;
using Xunit.Abstractions;

namespace UmhActors.Tests.Supervision;

/// <summary>
/// <see cref="HelperSupervisorStrategy"/> under a real parent actor: a real helper ends in each
/// failure kind, its actor (with <see cref="HelperSupervisionPolicy.EscalateAll"/>) throws the
/// failure to the parent, and Akka applies the directive the built-in table gives that failure.
/// The directive is read from what happens (the child comes back with a new helper or fails again:
/// Restart; the child terminates: Stop; the parent fails: Escalate), and the expected one from the
/// table's own decision code.
/// </summary>
public sealed class HelperSupervisorStrategyTests(ITestOutputHelper output) : HelperSpec(output)
{
    [Fact]
    public async Task A_crash_gets_the_tables_directive_from_the_parent()
    {
        var (child, pid, events) = await StartUnderParentAsync();
        _ = new HelperClient(child).SendAsync(Call("crash"));
        await AssertTableDirectiveAsync(events, child, pid, HelperFailureKind.Crashed);
    }

    [RealCgroupFact]
    public async Task An_OOM_kill_gets_the_tables_directive_from_the_parent()
    {
        var (child, pid, events) = await StartUnderParentAsync(HelperOptions.Default.WithLaunch(LaunchOptions.Default.WithMemoryLimit(64L * 1024 * 1024)));
        _ = new HelperClient(child).SendAsync(Call("alloc", 256));
        await AssertTableDirectiveAsync(events, child, pid, HelperFailureKind.OomKilled);
    }

    [Fact]
    public async Task An_admin_kill_gets_the_tables_directive_from_the_parent()
    {
        var (child, pid, events) = await StartUnderParentAsync();
        using (var kill = Process.Start("/bin/kill", ["-KILL", pid.ToString()])) await kill.WaitForExitAsync();
        await AssertTableDirectiveAsync(events, child, pid, HelperFailureKind.Killed);
    }

    [Fact]
    public async Task A_hang_gets_the_tables_directive_from_the_parent()
    {
        var (child, pid, events) = await StartUnderParentAsync(HelperOptions.Default.WithWatchdog(TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(400)));
        _ = new HelperClient(child).SendAsync(Call("hang"));
        await AssertTableDirectiveAsync(events, child, pid, HelperFailureKind.Hung);
    }

    [Fact]
    public async Task A_protocol_violation_gets_the_tables_directive_from_the_parent()
    {
        var (child, pid, events) = await StartUnderParentAsync();
        _ = new HelperClient(child).SendAsync(Call("garbage"));
        await AssertTableDirectiveAsync(events, child, pid, HelperFailureKind.ProtocolViolation);
    }

    [Fact]
    public async Task A_non_zero_exit_gets_the_tables_directive_from_the_parent()
    {
        var (child, pid, events) = await StartUnderParentAsync();
        _ = new HelperClient(child).SendAsync(Call("exit", 3));
        await AssertTableDirectiveAsync(events, child, pid, HelperFailureKind.Failed);
    }

    [Fact]
    public async Task A_clean_exit_gets_the_tables_directive_from_the_parent()
    {
        var (child, pid, events) = await StartUnderParentAsync();
        _ = new HelperClient(child).SendAsync(Call("exit", 0));
        await AssertTableDirectiveAsync(events, child, pid, HelperFailureKind.Exited);
    }

    [Fact]
    public async Task A_permanent_launch_failure_gets_the_tables_directive_from_the_parent()
    {
        using var blob = HelperBlob.FromBytes("not-executable", "neither ELF nor #!\n"u8);
        var (child, events) = StartUnderParent(HelperActor.Props(blob, HelperOptions.Default.WithSupervision(HelperSupervisionPolicy.EscalateAll)),
            HelperSupervisorStrategy.From(HelperSupervisionPolicy.Default));
        await AssertTableDirectiveAsync(events, child, 0, HelperFailureKind.LaunchFailed);
    }

    [Fact]
    public async Task A_transient_launch_failure_gets_the_tables_directive_from_the_parent()
    {
        // A reserve as large as the fd limit: the launch is refused for want of fds (EMFILE), every time.
        var options = HelperOptions.Default.WithLaunch(LaunchOptions.Default.WithFdReserve((int)SoftFdLimit()));
        var (child, events) = StartUnderParent(HelperActor.Props(TestHelperBlob.Instance, options.WithSupervision(HelperSupervisionPolicy.EscalateAll)),
            HelperSupervisorStrategy.From(HelperSupervisionPolicy.Default));
        await AssertTableDirectiveAsync(events, child, 0, HelperFailureKind.LaunchFailedTransient);
    }

    [Fact]
    public async Task A_kind_the_table_escalates_fails_the_parent()
    {
        var policy = HelperSupervisionPolicy.Default.With(HelperFailureKind.Crashed, HelperDirective.Escalate);
        var (child, pid, events) = await StartUnderParentAsync(strategy: HelperSupervisorStrategy.From(policy));
        _ = new HelperClient(child).SendAsync(Call("crash"));
        await AssertTableDirectiveAsync(events, child, pid, HelperFailureKind.Crashed, policy);
    }

    [Fact]
    public async Task One_failure_more_than_the_kinds_intensity_stops_the_child_as_the_table_does()
    {
        var policy = HelperSupervisionPolicy.Default.With(HelperFailureKind.Crashed,
            new HelperKindPolicy(HelperDirective.Restart, HelperBackoff.None, new RestartIntensity(2, TimeSpan.FromMinutes(1))));
        var (child, pid, events) = await StartUnderParentAsync(strategy: HelperSupervisorStrategy.From(policy));

        // The built-in table's own decisions for the same three crashes, from the same code.
        var table = new RestartTracker(policy, new Random(0));
        var observed = new List<Directive>();
        var expected = new List<Directive>();
        for (var i = 0; i < 3; i++)
        {
            _ = new HelperClient(child).SendAsync(Call("crash"));
            var (failure, directive, newPid) = await AppliedDirectiveAsync(events, child, pid);
            Assert.Equal(HelperFailureKind.Crashed, failure.Kind);
            expected.Add(AsAkka(table.Decide(failure, TimeSpan.FromMilliseconds(i)).Directive));
            observed.Add(directive);
            if (directive != Directive.Restart) break;
            pid = newPid;
        }
        Assert.Equal([Directive.Restart, Directive.Restart, Directive.Stop], expected);
        Assert.Equal(expected, observed);
    }

    [Fact]
    public async Task Each_child_has_its_own_restart_history()
    {
        // One crash restart allowed per minute: the second child's first crash is still within it,
        // whatever the first child used up; the first child's second crash is not.
        var policy = HelperSupervisionPolicy.Default.With(HelperFailureKind.Crashed,
            new HelperKindPolicy(HelperDirective.Restart, HelperBackoff.None, new RestartIntensity(1, TimeSpan.FromMinutes(1))));
        var events = CreateTestProbe();
        Sys.EventStream.Subscribe(events.Ref, typeof(HelperSupervisionDecision));
        var props = HelperActor.Props(TestHelperBlob.Instance, HelperOptions.Default.WithSupervision(HelperSupervisionPolicy.EscalateAll));
        Sys.ActorOf(Props.Create(() => new StrategyParent(props, HelperSupervisorStrategy.From(policy), events.Ref, 2)));
        var (a, b) = (events.ExpectMsg<IActorRef>(Patience), events.ExpectMsg<IActorRef>(Patience));
        events.Watch(a);
        events.Watch(b);
        var (pidA, pidB) = (await WaitReadyAsync(a), await WaitReadyAsync(b));

        _ = new HelperClient(a).SendAsync(Call("crash"));
        var (_, first, newPidA) = await AppliedDirectiveAsync(events, a, pidA);
        _ = new HelperClient(b).SendAsync(Call("crash"));
        var (_, second, _) = await AppliedDirectiveAsync(events, b, pidB);
        _ = new HelperClient(a).SendAsync(Call("crash"));
        var (_, third, _) = await AppliedDirectiveAsync(events, a, newPidA);
        Assert.Equal([Directive.Restart, Directive.Restart, Directive.Stop], new[] { first, second, third });
    }

    [Fact]
    public async Task Under_a_BackoffSupervisor_restarts_wait_for_the_backoff_and_the_intensity_survives_the_re_creation()
    {
        var policy = HelperSupervisionPolicy.Default.With(HelperFailureKind.Crashed,
            new HelperKindPolicy(HelperDirective.Restart, HelperBackoff.None, new RestartIntensity(1, TimeSpan.FromMinutes(1))));
        var backoff = TimeSpan.FromSeconds(1);
        var childProps = HelperActor.Props(TestHelperBlob.Instance, HelperOptions.Default.WithSupervision(HelperSupervisionPolicy.EscalateAll));
        var events = CreateTestProbe();
        Sys.EventStream.Subscribe(events.Ref, typeof(HelperSupervisionDecision));
        var supervisor = Sys.ActorOf(Akka.Pattern.BackoffSupervisor.Props(Akka.Pattern.Backoff
            .OnFailure(childProps, "helper", backoff, backoff, 0, -1)
            .WithSupervisorStrategy(HelperSupervisorStrategy.From(policy))));
        events.Watch(supervisor);
        var pid = await WaitReadyBehindAsync(supervisor);

        // First crash: within the intensity, so the BackoffSupervisor starts a new child after its backoff.
        _ = new HelperClient(supervisor).SendAsync(Call("crash"));
        Assert.Equal(HelperFailureKind.Crashed, events.ExpectMsg<HelperSupervisionDecision>(Patience).Kind);
        var sinceFailure = Stopwatch.StartNew();
        var newPid = await WaitReadyBehindAsync(supervisor);
        Assert.NotEqual(pid, newPid);
        Assert.True(sinceFailure.Elapsed >= backoff * 0.8, $"the new helper came up {sinceFailure.Elapsed.TotalMilliseconds:F0} ms after the crash, before the {backoff.TotalMilliseconds} ms backoff");

        // Second crash, in a re-created child: one more than the intensity, so Stop, and the BackoffSupervisor stops.
        _ = new HelperClient(supervisor).SendAsync(Call("crash"));
        Assert.Equal(HelperFailureKind.Crashed, events.ExpectMsg<HelperSupervisionDecision>(Patience).Kind);
        events.ExpectTerminated(supervisor, Patience);
    }

    [Fact]
    public void Exceptions_that_are_not_helper_failures_go_to_the_fallback_decider()
    {
        var stopping = HelperSupervisorStrategy.From(HelperSupervisionPolicy.Default, Decider.From(Directive.Stop));
        Assert.Equal(Directive.Stop, stopping.Decider.Decide(new InvalidOperationException("not a helper failure")));
        var akkasDefault = HelperSupervisorStrategy.From(HelperSupervisionPolicy.Default);
        Assert.Equal(SupervisorStrategy.DefaultDecider.Decide(new InvalidOperationException("x")), akkasDefault.Decider.Decide(new InvalidOperationException("x")));
    }

    // ---- harness ----

    /// <summary>What the test parent reports: it failed with what its child escalated.</summary>
    private sealed record Escalated(Exception Cause);

    /// <summary>A plain parent: creates the helper actor, supervises it with the given strategy,
    /// reports its own failure (an escalation) and then stays childless.</summary>
    private sealed class StrategyParent(Props child, SupervisorStrategy strategy, IActorRef reports, int children = 1) : UntypedActor
    {
        protected override void PreStart()
        {
            for (var i = 0; i < children; i++) reports.Tell(Context.ActorOf(child, $"helper-{i}"));
        }

        protected override void PreRestart(Exception reason, object message)
        {
            reports.Tell(new Escalated(reason));
            base.PreRestart(reason, message);
        }

        protected override void PostRestart(Exception reason)
        {
        }

        protected override void OnReceive(object message) => Unhandled(message);

        protected override SupervisorStrategy SupervisorStrategy() => strategy;
    }

    private (IActorRef Child, TestProbe Events) StartUnderParent(Props child, SupervisorStrategy strategy)
    {
        var events = CreateTestProbe();
        Sys.EventStream.Subscribe(events.Ref, typeof(HelperSupervisionDecision));
        Sys.ActorOf(Props.Create(() => new StrategyParent(child, strategy, events.Ref)));
        var childRef = events.ExpectMsg<IActorRef>(Patience);
        events.Watch(childRef);
        return (childRef, events);
    }

    private async Task<(IActorRef Child, int Pid, TestProbe Events)> StartUnderParentAsync(HelperOptions? options = null, HelperSupervisorStrategy? strategy = null)
    {
        var props = HelperActor.Props(TestHelperBlob.Instance, (options ?? HelperOptions.Default).WithSupervision(HelperSupervisionPolicy.EscalateAll));
        var (child, events) = StartUnderParent(props, strategy ?? HelperSupervisorStrategy.From(HelperSupervisionPolicy.Default));
        return (child, await WaitReadyAsync(child), events);
    }

    /// <summary>The child fails with <paramref name="kind"/>; Akka applies what the table
    /// (<paramref name="policy"/>, default: the built-in defaults) decides for that first failure.</summary>
    private async Task AssertTableDirectiveAsync(TestProbe events, IActorRef child, int pid, HelperFailureKind kind, HelperSupervisionPolicy? policy = null)
    {
        var (failure, applied, _) = await AppliedDirectiveAsync(events, child, pid);
        Assert.Equal(kind, failure.Kind);
        var table = new RestartTracker(policy ?? HelperSupervisionPolicy.Default, new Random(0)).Decide(failure, TimeSpan.Zero);
        Assert.Equal(AsAkka(table.Directive), applied);
    }

    /// <summary>Waits for the child's next failure (its own Escalate decision), then for what the
    /// parent did about it: the child terminated (Stop), the parent failed (Escalate), or the child
    /// came back, either with a new helper or failing again in a new incarnation (Restart).</summary>
    private static async Task<(HelperFailureException Failure, Directive Applied, int NewPid)> AppliedDirectiveAsync(TestProbe events, IActorRef child, int pid)
    {
        var first = events.ExpectMsg<HelperSupervisionDecision>(Patience);
        Assert.Equal(HelperDirective.Escalate, first.Directive);
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < Patience)
        {
            switch (events.ReceiveOne(TimeSpan.FromMilliseconds(50)))
            {
                case Escalated escalated:
                    Assert.Same(first.Failure, escalated.Cause);
                    return (first.Failure, Directive.Escalate, 0);
                case Terminated terminated when terminated.ActorRef.Equals(child):
                    return (first.Failure, Directive.Stop, 0);
                case HelperSupervisionDecision:
                    return (first.Failure, Directive.Restart, 0);
            }
            try
            {
                var status = await child.Ask<HelperStatus>(GetHelperStatus.Instance, TimeSpan.FromMilliseconds(500));
                if (status.Ready && status.Pid != pid) return (first.Failure, Directive.Restart, status.Pid);
            }
            catch (AskTimeoutException)
            {
                // Suspended, restarting or stopped: the next round tells.
            }
        }
        throw new TimeoutException($"nothing happened to the child within {Patience} after {first.Failure.Message}");
    }

    /// <summary>As <see cref="HelperSpec.WaitReadyAsync"/> through a BackoffSupervisor, which drops
    /// messages while its child is down: short asks, repeated.</summary>
    private static async Task<int> WaitReadyBehindAsync(IActorRef supervisor)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < Patience)
        {
            try
            {
                var status = await supervisor.Ask<HelperStatus>(GetHelperStatus.Instance, TimeSpan.FromMilliseconds(300));
                if (status.Ready) return status.Pid;
            }
            catch (AskTimeoutException)
            {
                // No child at the moment: the BackoffSupervisor is waiting out its backoff.
            }
        }
        throw new TimeoutException("the helper behind the BackoffSupervisor never became ready");
    }

    /// <summary>The table's directive as Akka's, by name (independent of the strategy's own mapping).</summary>
    private static Directive AsAkka(HelperDirective directive) => Enum.Parse<Directive>(directive.ToString());

    private static long SoftFdLimit()
    {
        var line = File.ReadLines("/proc/self/limits").Single(l => l.StartsWith("Max open files", StringComparison.Ordinal));
        return long.Parse(line["Max open files".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries)[0]);
    }
}
