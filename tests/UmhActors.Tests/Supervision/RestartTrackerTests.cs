using UmhActors.Failures;
using UmhActors.Native.Exit;
using UmhActors.Supervision;

namespace UmhActors.Tests.Supervision;

public sealed class RestartTrackerTests
{
    private static HelperCrashedException Crash(TimeSpan uptime) =>
        new("h", 1, new ExitStatus(1, null, SignalNames.SIGSEGV, false, uptime), uptime, "crashed");

    [Fact]
    public void Backoff_doubles_up_to_the_maximum_and_resets_after_a_stable_run()
    {
        var backoff = new HelperBackoff(TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(350), 0, TimeSpan.FromSeconds(10));
        var tracker = new RestartTracker(HelperSupervisionPolicy.Default.WithBackoff(backoff).WithIntensity(new RestartIntensity(100, TimeSpan.FromMinutes(1))), new Random(1));
        var now = TimeSpan.FromHours(1);
        var delays = Enumerable.Range(0, 4).Select(_ => tracker.Decide(Crash(TimeSpan.FromSeconds(1)), now).Delay.TotalMilliseconds).ToArray();
        Assert.Equal([100, 200, 350, 350], delays);
        Assert.Equal(100, tracker.Decide(Crash(TimeSpan.FromSeconds(11)), now).Delay.TotalMilliseconds);
    }

    [Fact]
    public void Jitter_stays_within_the_random_factor()
    {
        var backoff = new HelperBackoff(TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(100), 0.5, TimeSpan.FromSeconds(10));
        var tracker = new RestartTracker(HelperSupervisionPolicy.Default.WithBackoff(backoff).WithIntensity(new RestartIntensity(1000, TimeSpan.FromMinutes(1))), new Random(2));
        var delays = Enumerable.Range(0, 200).Select(_ => tracker.Decide(Crash(TimeSpan.Zero), TimeSpan.Zero).Delay.TotalMilliseconds).ToArray();
        Assert.All(delays, d => Assert.InRange(d, 100, 150));
        Assert.True(delays.Distinct().Count() > 50);
    }

    [Fact]
    public void Intensity_counts_restarts_within_the_window_only()
    {
        var tracker = new RestartTracker(HelperSupervisionPolicy.Default.WithIntensity(new RestartIntensity(2, TimeSpan.FromSeconds(10))), new Random(3));
        var t0 = TimeSpan.FromHours(1);
        Assert.Equal(HelperDirective.Restart, tracker.Decide(Crash(TimeSpan.Zero), t0).Directive);
        Assert.Equal(HelperDirective.Restart, tracker.Decide(Crash(TimeSpan.Zero), t0 + TimeSpan.FromSeconds(1)).Directive);
        var third = tracker.Decide(Crash(TimeSpan.Zero), t0 + TimeSpan.FromSeconds(2));
        Assert.Equal((HelperDirective.Stop, true), (third.Directive, third.IntensityExceeded));
        Assert.Equal(HelperDirective.Restart, tracker.Decide(Crash(TimeSpan.Zero), t0 + TimeSpan.FromSeconds(12)).Directive);
    }
}
