using Akka.Configuration;
using UmhActors.Failures;
using UmhActors.Supervision;

namespace UmhActors.Tests.Supervision;

/// <summary>The defaults exist twice, in code and as HOCON for Akka users: they must agree.</summary>
public sealed class PolicyDefaultsTests
{
    public static TheoryData<HelperFailureKind> Kinds => new(Enum.GetValues<HelperFailureKind>());

    [Theory]
    [MemberData(nameof(Kinds))]
    public void The_code_defaults_equal_DefaultHocon_for_every_kind(HelperFailureKind kind)
    {
        var fromHocon = HelperSupervisionPolicy.FromConfig(ConfigurationFactory.ParseString(HelperSupervisionPolicy.DefaultHocon));
        Assert.Equal(fromHocon.For(kind), HelperSupervisionPolicy.Default.For(kind));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void An_empty_config_reads_as_the_code_defaults(HelperFailureKind kind) =>
        Assert.Equal(HelperSupervisionPolicy.Default.For(kind), HelperSupervisionPolicy.FromConfig(ConfigurationFactory.Empty).For(kind));

    [Fact]
    public void The_documented_defaults_hold()
    {
        var policy = HelperSupervisionPolicy.Default;
        Assert.Equal(3, policy.For(HelperFailureKind.OomKilled).Intensity.MaxRestarts);
        Assert.Equal(10, policy.For(HelperFailureKind.Crashed).Intensity.MaxRestarts);
        Assert.Equal(HelperDirective.Stop, policy.For(HelperFailureKind.Killed).Directive);
        Assert.Equal(HelperDirective.Stop, policy.For(HelperFailureKind.Exited).Directive);
    }
}
