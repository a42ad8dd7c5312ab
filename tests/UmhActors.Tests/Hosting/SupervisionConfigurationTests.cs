using Microsoft.Extensions.Configuration;
using UmhActors.Failures;
using UmhActors.Helpers;
using UmhActors.Hosting;
using UmhActors.Supervision;

namespace UmhActors.Tests.Hosting;

/// <summary>The <c>Supervision</c> block of a helper's configuration section: per-kind entries in the
/// vocabulary of the <c>umh.supervision</c> table change only the kinds they name; a wrong kind, key or
/// value is refused naming the full key.</summary>
public sealed class SupervisionConfigurationTests
{
    private const string Section = "Helpers:Resizer";

    private static IConfigurationSection Configure(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>($"{Section}:{v.Key}", v.Value)))
            .Build()
            .GetSection(Section);

    [Fact]
    public void Every_supervision_key_reaches_the_policy_of_its_kind()
    {
        var options = HelperOptionsConfiguration.Bind(Configure(
            ("Supervision:Crashed:Directive", "Restart"), ("Supervision:Crashed:MaxRestarts", "5"), ("Supervision:Crashed:Within", "00:02:00"),
            ("Supervision:Crashed:WhenExceeded", "Escalate"), ("Supervision:Crashed:MinBackoff", "00:00:00.250"),
            ("Supervision:Crashed:MaxBackoff", "00:00:04"), ("Supervision:Crashed:RandomFactor", "0.5"), ("Supervision:Crashed:ResetAfter", "00:01:00"),
            ("Supervision:Hung:Directive", "stop")));

        var crashed = options.Supervision.For(HelperFailureKind.Crashed);
        Assert.Equal(HelperDirective.Restart, crashed.Directive);
        Assert.Equal(new RestartIntensity(5, TimeSpan.FromMinutes(2), HelperDirective.Escalate), crashed.Intensity);
        Assert.Equal(new HelperBackoff(TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(4), 0.5, TimeSpan.FromMinutes(1)), crashed.Backoff);
        Assert.Equal(HelperDirective.Stop, options.Supervision.For(HelperFailureKind.Hung).Directive);
        // Kinds the block leaves out keep the base table.
        foreach (var kind in Enum.GetValues<HelperFailureKind>().Except([HelperFailureKind.Crashed, HelperFailureKind.Hung]))
            Assert.Equal(HelperSupervisionPolicy.Default.For(kind), options.Supervision.For(kind));
    }

    [Fact]
    public void Keys_left_out_of_a_kind_keep_the_base_policy_of_that_kind()
    {
        var baseOptions = HelperOptions.Default.WithSupervision(HelperSupervisionPolicy.Default.With(HelperFailureKind.OomKilled,
            HelperKindPolicy.Restart with { Intensity = new RestartIntensity(7, TimeSpan.FromSeconds(20)) }));

        var options = HelperOptionsConfiguration.Bind(Configure(("Supervision:OomKilled:MaxRestarts", "2")), baseOptions);

        var oom = options.Supervision.For(HelperFailureKind.OomKilled);
        Assert.Equal(HelperDirective.Restart, oom.Directive);
        Assert.Equal(new RestartIntensity(2, TimeSpan.FromSeconds(20)), oom.Intensity);
        Assert.Equal(HelperBackoff.Default, oom.Backoff);
    }

    [Theory]
    [InlineData("oom-killed", "max-restarts", HelperFailureKind.OomKilled)]
    [InlineData("OomKilled", "MaxRestarts", HelperFailureKind.OomKilled)]
    [InlineData("protocol-violation", "MaxRestarts", HelperFailureKind.ProtocolViolation)]
    [InlineData("launch-failed-transient", "max-restarts", HelperFailureKind.LaunchFailedTransient)]
    [InlineData("LaunchFailed", "max_restarts", HelperFailureKind.LaunchFailed)]
    public void Kinds_and_keys_take_their_HOCON_names_and_their_enum_names(string kindName, string keyName, HelperFailureKind kind)
    {
        var options = HelperOptionsConfiguration.Bind(Configure(($"Supervision:{kindName}:{keyName}", "1")));

        Assert.Equal(1, options.Supervision.For(kind).Intensity.MaxRestarts);
    }

    [Theory]
    [InlineData("Supervision:Crashd:Directive", "Stop", "Supervision:Crashd")]
    [InlineData("Supervision:Crashed:Directve", "Stop", "Supervision:Crashed:Directve")]
    [InlineData("Supervision:Crashed:Directive", "Resume", "Supervision:Crashed:Directive")]
    [InlineData("Supervision:Crashed:MaxRestarts", "-1", "Supervision:Crashed:MaxRestarts")]
    [InlineData("Supervision:Crashed:MaxRestarts", "five", "Supervision:Crashed:MaxRestarts")]
    [InlineData("Supervision:Crashed:Within", "60", "Supervision:Crashed:Within")]
    [InlineData("Supervision:Crashed:Within", "00:00:00", "Supervision:Crashed:Within")]
    [InlineData("Supervision:Crashed:WhenExceeded", "Restart", "Supervision:Crashed:WhenExceeded")]
    [InlineData("Supervision:Crashed:MinBackoff", "-00:00:01", "Supervision:Crashed:MinBackoff")]
    [InlineData("Supervision:Crashed:MaxBackoff", "00:00:00.010", "Supervision:Crashed:MaxBackoff")]
    [InlineData("Supervision:Crashed:RandomFactor", "1.5", "Supervision:Crashed:RandomFactor")]
    [InlineData("Supervision:Crashed:ResetAfter", "later", "Supervision:Crashed:ResetAfter")]
    [InlineData("Supervision:Crashed", "Stop", "Supervision:Crashed")]
    [InlineData("Supervision", "Stop", "Supervision")]
    public void Wrong_kind_key_or_value_is_refused_naming_the_full_key(string key, string value, string named)
    {
        var error = Assert.Throws<HelperConfigurationException>(() => HelperOptionsConfiguration.Bind(Configure((key, value))));

        Assert.Equal($"{Section}:{named}", error.Key);
        Assert.Contains($"{Section}:{named}", error.Message);
    }

    [Fact]
    public void One_kind_named_twice_is_refused()
    {
        var error = Assert.Throws<HelperConfigurationException>(() => HelperOptionsConfiguration.Bind(Configure(
            ("Supervision:OomKilled:Directive", "Stop"), ("Supervision:oom-killed:Directive", "Restart"))));

        Assert.Contains("same kind", error.Message);
    }
}
