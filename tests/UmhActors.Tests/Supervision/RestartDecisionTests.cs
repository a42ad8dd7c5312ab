using UmhActors.Failures;
using UmhActors.Native.Exit;
using UmhActors.Supervision;

namespace UmhActors.Tests.Supervision;

/// <summary>What the restart tracker decides for one failure: the directive, the attempt number,
/// the delay and whether the restart intensity was exceeded.</summary>
public sealed class RestartDecisionTests
{
    private static readonly HelperBackoff Flat = new(TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(100), 0, TimeSpan.FromSeconds(10));

    private static HelperCrashedException Crash(TimeSpan uptime) =>
        new("h", 1, new ExitStatus(1, null, SignalNames.SIGSEGV, false, uptime), uptime, "crashed");

    [Fact]
    public void A_kind_that_is_not_restarted_gets_its_directive_with_no_attempt_or_intensity()
    {
        var policy = HelperSupervisionPolicy.Default.WithBackoff(Flat);
        var stopping = new RestartTracker(policy.With(HelperFailureKind.Crashed, HelperDirective.Stop), new Random(1));
        Assert.Equal((HelperDirective.Stop, 0, TimeSpan.Zero, false), stopping.Decide(Crash(TimeSpan.Zero), TimeSpan.FromHours(1)));

        // An escalation carries the backoff: a parent that resumes the actor relaunches after it.
        var escalating = new RestartTracker(policy.With(HelperFailureKind.Crashed, HelperDirective.Escalate), new Random(1));
        Assert.Equal((HelperDirective.Escalate, 0, TimeSpan.FromMilliseconds(100), false), escalating.Decide(Crash(TimeSpan.Zero), TimeSpan.FromHours(1)));
    }

    [Fact]
    public void Restarts_count_their_attempts_and_are_not_marked_as_exceeding_the_intensity()
    {
        var tracker = new RestartTracker(HelperSupervisionPolicy.Default.WithBackoff(Flat), new Random(1));
        var now = TimeSpan.FromHours(1);

        Assert.Equal((HelperDirective.Restart, 1, TimeSpan.FromMilliseconds(100), false), tracker.Decide(Crash(TimeSpan.Zero), now));
        Assert.Equal((HelperDirective.Restart, 2, TimeSpan.FromMilliseconds(100), false), tracker.Decide(Crash(TimeSpan.Zero), now));
    }

    [Fact]
    public void Exceeding_the_intensity_gives_its_directive_and_the_attempt_that_would_have_been_next()
    {
        var policy = HelperSupervisionPolicy.Default.WithBackoff(Flat)
            .WithIntensity(new RestartIntensity(2, TimeSpan.FromMinutes(1), HelperDirective.Escalate));
        var tracker = new RestartTracker(policy, new Random(1));
        var now = TimeSpan.FromHours(1);
        tracker.Decide(Crash(TimeSpan.Zero), now);
        tracker.Decide(Crash(TimeSpan.Zero), now);

        Assert.Equal((HelperDirective.Escalate, 3, TimeSpan.FromMilliseconds(100), true), tracker.Decide(Crash(TimeSpan.Zero), now));
    }

    [Fact]
    public void A_helper_that_ran_exactly_reset_after_starts_the_backoff_over()
    {
        var backoff = new HelperBackoff(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(10), 0, TimeSpan.FromSeconds(10));
        var tracker = new RestartTracker(HelperSupervisionPolicy.Default.WithBackoff(backoff), new Random(1));
        var now = TimeSpan.FromHours(1);
        Assert.Equal(TimeSpan.FromMilliseconds(100), tracker.Decide(Crash(TimeSpan.Zero), now).Delay);
        Assert.Equal(TimeSpan.FromMilliseconds(200), tracker.Decide(Crash(TimeSpan.FromSeconds(10) - TimeSpan.FromTicks(1)), now).Delay);

        var reset = tracker.Decide(Crash(TimeSpan.FromSeconds(10)), now);
        Assert.Equal(TimeSpan.FromMilliseconds(100), reset.Delay);
        Assert.Equal(1, reset.Attempt);
    }

    [Fact]
    public void A_null_kind_policy_is_refused()
    {
        Assert.Throws<ArgumentNullException>(() => HelperSupervisionPolicy.Default.With(HelperFailureKind.Hung, (HelperKindPolicy)null!));
    }
}
