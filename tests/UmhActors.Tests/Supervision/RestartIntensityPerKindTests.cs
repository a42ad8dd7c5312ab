using UmhActors.Failures;
using UmhActors.Native.Exit;
using UmhActors.Supervision;

namespace UmhActors.Tests.Supervision;

/// <summary>Each failure kind's restart intensity counts that kind's restarts only.</summary>
public sealed class RestartIntensityPerKindTests
{
    private static readonly TimeSpan T0 = TimeSpan.FromHours(1);

    private static HelperCrashedException Crash() =>
        new("h", 1, new ExitStatus(1, null, SignalNames.SIGSEGV, false, TimeSpan.Zero), TimeSpan.Zero, "crashed");

    private static HelperOomKilledException Oom() =>
        new("h", 1, new ExitStatus(1, null, SignalNames.SIGKILL, false, TimeSpan.Zero) { OomKillCount = 1 }, TimeSpan.Zero, "oom");

    [Fact]
    public void Crash_restarts_do_not_use_up_the_OOM_kinds_intensity()
    {
        // Defaults: crashes 10 per minute, OOM kills 3 per minute.
        var tracker = new RestartTracker(HelperSupervisionPolicy.Default, new Random(1));
        for (var i = 0; i < 3; i++) Assert.Equal(HelperDirective.Restart, tracker.Decide(Crash(), T0 + TimeSpan.FromSeconds(i)).Directive);

        var firstOom = tracker.Decide(Oom(), T0 + TimeSpan.FromSeconds(5));
        Assert.Equal((HelperDirective.Restart, false), (firstOom.Directive, firstOom.IntensityExceeded));
    }

    [Fact]
    public void A_short_window_kind_does_not_prune_restarts_a_long_window_kind_still_counts()
    {
        var policy = HelperSupervisionPolicy.Default
            .With(HelperFailureKind.OomKilled, HelperKindPolicy.Restart with { Intensity = new RestartIntensity(2, TimeSpan.FromMinutes(1)) })
            .With(HelperFailureKind.Crashed, HelperKindPolicy.Restart with { Intensity = new RestartIntensity(5, TimeSpan.FromSeconds(10)) });
        var tracker = new RestartTracker(policy, new Random(2));
        Assert.Equal(HelperDirective.Restart, tracker.Decide(Oom(), T0).Directive);
        Assert.Equal(HelperDirective.Restart, tracker.Decide(Oom(), T0 + TimeSpan.FromSeconds(1)).Directive);
        // A crash 20 s later: its 10 s window must not drop the two OOM restarts of the last minute.
        Assert.Equal(HelperDirective.Restart, tracker.Decide(Crash(), T0 + TimeSpan.FromSeconds(20)).Directive);

        var third = tracker.Decide(Oom(), T0 + TimeSpan.FromSeconds(21));
        Assert.Equal((HelperDirective.Stop, true), (third.Directive, third.IntensityExceeded));
    }
}
