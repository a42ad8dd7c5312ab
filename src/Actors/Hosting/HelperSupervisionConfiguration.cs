using System.Globalization;
using Microsoft.Extensions.Configuration;
using UmhActors.Failures;
using UmhActors.Supervision;

namespace UmhActors.Hosting;

/// <summary>
/// The <c>Supervision</c> block of a helper's configuration section: one entry per failure kind
/// over a base <see cref="HelperSupervisionPolicy"/>, in the vocabulary of the <c>umh.supervision</c>
/// HOCON table:
/// <code>
/// "Supervision": {
///   "Crashed": { "Directive": "Restart", "MaxRestarts": 5, "Within": "00:01:00", "WhenExceeded": "Stop",
///                "MinBackoff": "00:00:00.100", "MaxBackoff": "00:00:10", "RandomFactor": 0.2, "ResetAfter": "00:00:30" },
///   "oom-killed": { "Directive": "Stop" } }
/// </code>
/// Kinds are the <see cref="HelperFailureKind"/> names or their HOCON block names
/// (<c>OomKilled</c> or <c>oom-killed</c>); keys likewise (<c>MaxRestarts</c> or <c>max-restarts</c>);
/// both case-insensitive. A kind's keys left out keep the base policy's values for that kind.
/// </summary>
internal static class HelperSupervisionConfiguration
{
    private static readonly string[] Keys = ["Directive", "MinBackoff", "MaxBackoff", "RandomFactor", "ResetAfter", "MaxRestarts", "Within", "WhenExceeded"];

    /// <summary><paramref name="basePolicy"/> with the kinds <paramref name="supervision"/> names changed.</summary>
    /// <exception cref="HelperConfigurationException">A kind or key is unknown, or a value impossible.</exception>
    public static HelperSupervisionPolicy Bind(IConfigurationSection supervision, HelperSupervisionPolicy basePolicy)
    {
        var policy = basePolicy;
        var seen = new Dictionary<HelperFailureKind, string>();
        foreach (var entry in supervision.GetChildren())
        {
            var kind = Kind(entry);
            // "Crashed" and "crashed" are one key to IConfiguration, but "OomKilled" and "oom-killed" are not.
            if (seen.TryGetValue(kind, out var other))
                throw new HelperConfigurationException(entry.Path, $"names the same kind as {other}");
            seen.Add(kind, entry.Path);
            policy = policy.With(kind, KindPolicy(entry, policy.For(kind)));
        }
        return policy;
    }

    private static HelperKindPolicy KindPolicy(IConfigurationSection entry, HelperKindPolicy basePolicy)
    {
        if (entry.Value is not null)
            throw new HelperConfigurationException(entry.Path, $"must be a section of {string.Join(", ", Keys)}, not a value");
        var values = new Dictionary<string, IConfigurationSection>(StringComparer.Ordinal);
        foreach (var child in entry.GetChildren())
        {
            var key = Keys.FirstOrDefault(k => Normalized(k) == Normalized(child.Key))
                ?? throw new HelperConfigurationException(child.Path, $"is not a supervision key (known: {string.Join(", ", Keys)})");
            if (values.TryGetValue(key, out var other))
                throw new HelperConfigurationException(child.Path, $"names the same key as {other.Path}");
            if (child.Value is null)
                throw new HelperConfigurationException(child.Path, "must be a value, not a section");
            values.Add(key, child);
        }

        var directive = values.TryGetValue("Directive", out var d) ? Directive(d) : basePolicy.Directive;

        var backoff = basePolicy.Backoff;
        if (values.TryGetValue("MinBackoff", out var min)) backoff = backoff with { Min = NonNegative(min) };
        if (values.TryGetValue("MaxBackoff", out var max)) backoff = backoff with { Max = NonNegative(max) };
        if (values.TryGetValue("RandomFactor", out var random)) backoff = backoff with { RandomFactor = Factor(random) };
        if (values.TryGetValue("ResetAfter", out var reset)) backoff = backoff with { ResetAfter = NonNegative(reset) };
        if (backoff.Max < backoff.Min)
        {
            var blamed = max ?? min!;
            throw new HelperConfigurationException(blamed.Path, $"the backoff needs MinBackoff ≤ MaxBackoff (min {backoff.Min}, max {backoff.Max})");
        }

        var intensity = basePolicy.Intensity;
        if (values.TryGetValue("MaxRestarts", out var restarts)) intensity = intensity with { MaxRestarts = Count(restarts) };
        if (values.TryGetValue("Within", out var within)) intensity = intensity with { Within = Positive(within) };
        if (values.TryGetValue("WhenExceeded", out var exceeded))
        {
            var then = Directive(exceeded);
            if (then == HelperDirective.Restart)
                throw new HelperConfigurationException(exceeded.Path, "\"Restart\" is not allowed: when the intensity is exceeded the actor must Stop or Escalate");
            intensity = intensity with { WhenExceeded = then };
        }
        return new HelperKindPolicy(directive, backoff, intensity);
    }

    private static HelperFailureKind Kind(IConfigurationSection entry)
    {
        foreach (var kind in Enum.GetValues<HelperFailureKind>())
        {
            if (Normalized(entry.Key) == Normalized(kind.ToString())) return kind;
        }
        var known = string.Join(", ", Enum.GetValues<HelperFailureKind>().Select(k => $"{k} ({HelperSupervisionPolicy.ConfigName(k)})"));
        throw new HelperConfigurationException(entry.Path, $"is not a failure kind (known: {known})");
    }

    // OomKilled, oomkilled, oom-killed and oom_killed are one name; so are MaxRestarts and max-restarts.
    private static string Normalized(string name) => name.Replace("-", "", StringComparison.Ordinal).Replace("_", "", StringComparison.Ordinal).ToUpperInvariant();

    private static HelperDirective Directive(IConfigurationSection value) => value.Value!.Trim().ToUpperInvariant() switch
    {
        "RESTART" => HelperDirective.Restart,
        "STOP" => HelperDirective.Stop,
        "ESCALATE" => HelperDirective.Escalate,
        _ => throw new HelperConfigurationException(value.Path, $"\"{value.Value}\" is not Restart, Stop or Escalate"),
    };

    // "5" would read as five days: a duration must spell out its hours, minutes and seconds.
    private static TimeSpan Duration(IConfigurationSection value) =>
        value.Value!.Contains(':') && TimeSpan.TryParseExact(value.Value, "c", CultureInfo.InvariantCulture, out var span)
            ? span
            : throw new HelperConfigurationException(value.Path, $"\"{value.Value}\" is not a duration ([d.]hh:mm:ss[.fffffff])");

    private static TimeSpan NonNegative(IConfigurationSection value)
    {
        var span = Duration(value);
        return span >= TimeSpan.Zero ? span : throw new HelperConfigurationException(value.Path, $"\"{value.Value}\" is negative");
    }

    private static TimeSpan Positive(IConfigurationSection value)
    {
        var span = Duration(value);
        return span > TimeSpan.Zero ? span : throw new HelperConfigurationException(value.Path, $"\"{value.Value}\" is not positive");
    }

    private static int Count(IConfigurationSection value) =>
        int.TryParse(value.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number) && number >= 0
            ? number
            : throw new HelperConfigurationException(value.Path, $"\"{value.Value}\" is not a count (an integer, 0 or more)");

    private static double Factor(IConfigurationSection value) =>
        double.TryParse(value.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var factor) && factor is >= 0 and <= 1
            ? factor
            : throw new HelperConfigurationException(value.Path, $"\"{value.Value}\" is not a factor within 0..1");
}
