using Akka.Configuration;
using UmhActors.Failures;
using UmhActors.Supervision;

namespace UmhActors.Tests.Supervision;

/// <summary>The supervision policy's values: the code defaults are the documented HOCON defaults,
/// configuration overrides one kind at a time, and invalid values are refused with the reason.</summary>
public sealed class SupervisionPolicyValuesTests
{
    [Fact]
    public void The_code_defaults_equal_the_documented_hocon_defaults_for_every_kind()
    {
        var fromHocon = HelperSupervisionPolicy.FromConfig(ConfigurationFactory.Empty);

        foreach (var kind in Enum.GetValues<HelperFailureKind>())
            Assert.Equal(fromHocon.For(kind), HelperSupervisionPolicy.Default.For(kind));
    }

    [Fact]
    public void The_defaults_restart_crashes_hangs_violations_and_failures_and_stop_exits_kills_and_launch_failures()
    {
        var policy = HelperSupervisionPolicy.Default;

        Assert.Equal(HelperDirective.Restart, policy.For(HelperFailureKind.Crashed).Directive);
        Assert.Equal(HelperDirective.Restart, policy.For(HelperFailureKind.OomKilled).Directive);
        Assert.Equal(HelperDirective.Restart, policy.For(HelperFailureKind.Hung).Directive);
        Assert.Equal(HelperDirective.Restart, policy.For(HelperFailureKind.ProtocolViolation).Directive);
        Assert.Equal(HelperDirective.Restart, policy.For(HelperFailureKind.Failed).Directive);
        Assert.Equal(HelperDirective.Stop, policy.For(HelperFailureKind.Killed).Directive);
        Assert.Equal(HelperDirective.Stop, policy.For(HelperFailureKind.Exited).Directive);
        Assert.Equal(HelperDirective.Stop, policy.For(HelperFailureKind.LaunchFailed).Directive);
        Assert.Equal(3, policy.For(HelperFailureKind.OomKilled).Intensity.MaxRestarts);
        Assert.Equal(new RestartIntensity(10, TimeSpan.FromMinutes(1), HelperDirective.Stop), policy.For(HelperFailureKind.Crashed).Intensity);
        Assert.Equal(new HelperBackoff(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(10), 0.2, TimeSpan.FromSeconds(30)),
            policy.For(HelperFailureKind.Hung).Backoff);
    }

    [Fact]
    public void Escalate_all_escalates_every_kind()
    {
        foreach (var kind in Enum.GetValues<HelperFailureKind>())
            Assert.Equal(HelperDirective.Escalate, HelperSupervisionPolicy.EscalateAll.For(kind).Directive);
    }

    [Theory]
    [InlineData(HelperFailureKind.Exited, "exited")]
    [InlineData(HelperFailureKind.Failed, "failed")]
    [InlineData(HelperFailureKind.Crashed, "crashed")]
    [InlineData(HelperFailureKind.OomKilled, "oom-killed")]
    [InlineData(HelperFailureKind.Killed, "killed")]
    [InlineData(HelperFailureKind.Hung, "hung")]
    [InlineData(HelperFailureKind.ProtocolViolation, "protocol-violation")]
    [InlineData(HelperFailureKind.LaunchFailed, "launch-failed")]
    public void Each_kind_is_configured_under_its_documented_section(HelperFailureKind kind, string section)
    {
        Assert.Equal(section, HelperSupervisionPolicy.ConfigName(kind));
        var policy = HelperSupervisionPolicy.FromConfig(ConfigurationFactory.ParseString(
            $"umh.supervision.{section} {{ directive = escalate, max-restarts = 7, min-backoff = 5ms }}"));

        Assert.Equal(HelperDirective.Escalate, policy.For(kind).Directive);
        Assert.Equal(7, policy.For(kind).Intensity.MaxRestarts);
        Assert.Equal(TimeSpan.FromMilliseconds(5), policy.For(kind).Backoff.Min);
        foreach (var other in Enum.GetValues<HelperFailureKind>().Where(k => k != kind))
            Assert.Equal(HelperSupervisionPolicy.Default.For(other), policy.For(other));
    }

    [Fact]
    public void Defaults_in_configuration_apply_to_every_kind_without_its_own_value()
    {
        var policy = HelperSupervisionPolicy.FromConfig(ConfigurationFactory.ParseString(
            "umh.supervision.defaults { max-backoff = 2s, within = 5s, when-exceeded = escalate }"));

        foreach (var kind in Enum.GetValues<HelperFailureKind>())
        {
            Assert.Equal(TimeSpan.FromSeconds(2), policy.For(kind).Backoff.Max);
            Assert.Equal(TimeSpan.FromSeconds(5), policy.For(kind).Intensity.Within);
            Assert.Equal(HelperDirective.Escalate, policy.For(kind).Intensity.WhenExceeded);
        }
        Assert.Equal(3, policy.For(HelperFailureKind.OomKilled).Intensity.MaxRestarts);
    }

    [Fact]
    public void Directives_are_read_in_any_case_and_anything_else_is_refused_naming_the_setting()
    {
        var policy = HelperSupervisionPolicy.FromConfig(ConfigurationFactory.ParseString("umh.supervision.hung.directive = STOP"));
        Assert.Equal(HelperDirective.Stop, policy.For(HelperFailureKind.Hung).Directive);

        var error = Assert.Throws<ArgumentException>(() => HelperSupervisionPolicy.FromConfig(
            ConfigurationFactory.ParseString("umh.supervision.oom-killed.when-exceeded = retry")));
        Assert.Equal("umh.supervision.oom-killed: 'retry' is not restart, stop or escalate", error.Message);
    }

    [Fact]
    public void Backoff_delays_double_from_the_minimum_up_to_the_maximum_plus_at_most_the_random_factor()
    {
        var backoff = new HelperBackoff(TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(1000), 0.5, TimeSpan.FromSeconds(1));

        Assert.Equal(10, backoff.DelayFor(0, new FixedRandom(0)).TotalMilliseconds);
        Assert.Equal(20, backoff.DelayFor(1, new FixedRandom(0)).TotalMilliseconds);
        Assert.Equal(640, backoff.DelayFor(6, new FixedRandom(0)).TotalMilliseconds);
        Assert.Equal(1000, backoff.DelayFor(7, new FixedRandom(0)).TotalMilliseconds);
        Assert.Equal(1000, backoff.DelayFor(1000, new FixedRandom(0)).TotalMilliseconds);
        Assert.Equal(15, backoff.DelayFor(0, new FixedRandom(1)).TotalMilliseconds);
        Assert.Equal(1250, backoff.DelayFor(int.MaxValue, new FixedRandom(0.5)).TotalMilliseconds);
        Assert.Equal(TimeSpan.Zero, HelperBackoff.None.DelayFor(5, new FixedRandom(1)));
    }

    [Theory]
    [InlineData(-1, 10, 0.2, 1, "backoff needs 0 ≤ min ≤ max")]
    [InlineData(20, 10, 0.2, 1, "backoff needs 0 ≤ min ≤ max")]
    [InlineData(0, 10, -0.1, 1, "backoff random factor must be within 0..1 (got -0.1)")]
    [InlineData(0, 10, 1.1, 1, "backoff random factor must be within 0..1 (got 1.1)")]
    [InlineData(0, 10, 0.2, -1, "backoff reset-after cannot be negative")]
    public void Invalid_backoffs_are_refused_with_the_reason(int minMs, int maxMs, double factor, int resetMs, string reason)
    {
        var backoff = new HelperBackoff(TimeSpan.FromMilliseconds(minMs), TimeSpan.FromMilliseconds(maxMs), factor, TimeSpan.FromMilliseconds(resetMs));

        var error = Assert.Throws<ArgumentException>(() => HelperSupervisionPolicy.Default.WithBackoff(backoff));
        Assert.StartsWith(reason, error.Message);
        Assert.Throws<ArgumentException>(() => HelperSupervisionPolicy.Default.With(HelperFailureKind.Crashed,
            HelperKindPolicy.Restart with { Backoff = backoff }));
    }

    [Fact]
    public void Boundary_backoffs_and_intensities_are_accepted()
    {
        var backoff = new HelperBackoff(TimeSpan.Zero, TimeSpan.Zero, 1, TimeSpan.Zero);
        Assert.Same(backoff, backoff.Validated());
        var noJitter = backoff with { RandomFactor = 0 };
        Assert.Same(noJitter, noJitter.Validated());
        var intensity = new RestartIntensity(0, TimeSpan.FromTicks(1), HelperDirective.Escalate);
        Assert.Same(intensity, intensity.Validated());
    }

    [Theory]
    [InlineData(-1, 1000, HelperDirective.Stop, "max restarts cannot be negative")]
    [InlineData(1, 0, HelperDirective.Stop, "the restart window must be positive")]
    [InlineData(1, -5, HelperDirective.Stop, "the restart window must be positive")]
    [InlineData(1, 1000, HelperDirective.Restart, "when the intensity is exceeded the actor must stop or escalate")]
    public void Invalid_intensities_are_refused_with_the_reason(int max, int withinMs, HelperDirective whenExceeded, string reason)
    {
        var intensity = new RestartIntensity(max, TimeSpan.FromMilliseconds(withinMs), whenExceeded);

        Assert.Equal(reason, Assert.Throws<ArgumentException>(() => HelperSupervisionPolicy.Default.WithIntensity(intensity)).Message);
        Assert.Throws<ArgumentException>(() => HelperSupervisionPolicy.Default.With(HelperFailureKind.Hung,
            HelperKindPolicy.Restart with { Intensity = intensity }));
    }

    [Fact]
    public void With_changes_one_kind_and_WithBackoff_and_WithIntensity_change_all()
    {
        var backoff = new HelperBackoff(TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(2), 0, TimeSpan.FromSeconds(3));
        var intensity = new RestartIntensity(4, TimeSpan.FromSeconds(5));
        var policy = HelperSupervisionPolicy.Default.With(HelperFailureKind.Killed, HelperDirective.Restart);

        Assert.Equal(HelperDirective.Restart, policy.For(HelperFailureKind.Killed).Directive);
        Assert.Equal(HelperDirective.Stop, policy.For(HelperFailureKind.Exited).Directive);
        Assert.Equal(HelperDirective.Stop, HelperSupervisionPolicy.Default.For(HelperFailureKind.Killed).Directive);
        foreach (var kind in Enum.GetValues<HelperFailureKind>())
        {
            Assert.Equal(backoff, policy.WithBackoff(backoff).For(kind).Backoff);
            Assert.Equal(intensity, policy.WithIntensity(intensity).For(kind).Intensity);
            Assert.Equal(policy.For(kind).Directive, policy.WithBackoff(backoff).For(kind).Directive);
        }
    }

    private sealed class FixedRandom(double value) : Random
    {
        public override double NextDouble() => value;
    }
}
