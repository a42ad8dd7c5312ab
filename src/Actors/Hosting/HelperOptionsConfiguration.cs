using System.Globalization;
using Microsoft.Extensions.Configuration;
using UmhActors.Helpers;

namespace UmhActors.Hosting;

/// <summary>
/// <see cref="HelperOptions"/> from a configuration section (appsettings.json, environment, …), one
/// section per helper:
/// <code>
/// "UmhActors": { "Helpers": { "shouter": {
///   "RequestTimeout": "00:00:05", "StartupTimeout": "00:00:10", "StopGracePeriod": "00:00:02",
///   "MaxInFlight": 64, "MaxQueued": 1000, "MemoryLimitBytes": 268435456,
///   "Watchdog": { "Interval": "00:00:01", "Timeout": "00:00:03" }, "IdleTimeout": "00:05:00",
///   "Supervision": { "Crashed": { "Directive": "Restart", "MaxRestarts": 5, "Within": "00:01:00" },
///                    "OomKilled": { "Directive": "Stop" } } } } }
/// </code>
/// <c>Supervision</c> changes the kinds it names in the base options' policy table, with the keys of
/// the <c>umh.supervision</c> HOCON table (<c>Directive</c>, <c>MinBackoff</c>, <c>MaxBackoff</c>,
/// <c>RandomFactor</c>, <c>ResetAfter</c>, <c>MaxRestarts</c>, <c>Within</c>, <c>WhenExceeded</c>); a kind is
/// named as the <see cref="Failures.HelperFailureKind"/> (<c>OomKilled</c>) or its HOCON block (<c>oom-killed</c>).
/// Durations are <c>[d.]hh:mm:ss[.fffffff]</c> (<c>RequestTimeout</c> and <c>IdleTimeout</c> also take <c>Infinite</c>);
/// keys are case-insensitive, every one optional. An unknown key or an impossible value throws
/// <see cref="HelperConfigurationException"/> naming the key, so a typo fails the start, not a
/// request hours later.
/// </summary>
public static class HelperOptionsConfiguration
{
    private static readonly string[] Keys = ["RequestTimeout", "StartupTimeout", "StopGracePeriod", "MaxInFlight", "MaxQueued", "MemoryLimitBytes", "Watchdog", "Supervision", "IdleTimeout"];
    private static readonly string[] PoolKeys = [.. Keys, "Pool"];
    private static readonly string[] WatchdogKeys = ["Interval", "Timeout"];

    /// <summary>The options of <paramref name="section"/>, over <paramref name="baseOptions"/>
    /// (<see cref="HelperOptions.Default"/> if null) for the keys it leaves out.</summary>
    /// <exception cref="HelperConfigurationException">A key is unknown or its value impossible.</exception>
    public static HelperOptions Bind(IConfiguration section, HelperOptions? baseOptions = null) => Bind(section, baseOptions, poolSection: false);

    /// <summary>As the public <c>Bind</c>; a pool's section (<paramref name="poolSection"/>) may also
    /// have a <c>Pool</c> block, read by <see cref="HelperPoolConfiguration"/>.</summary>
    internal static HelperOptions Bind(IConfiguration section, HelperOptions? baseOptions, bool poolSection)
    {
        ArgumentNullException.ThrowIfNull(section);
        var options = baseOptions ?? HelperOptions.Default;
        RejectUnknown(section, poolSection ? PoolKeys : Keys);
        if (Value(section, "RequestTimeout") is { } requestTimeout)
        {
            var timeout = string.Equals(requestTimeout.Value, "Infinite", StringComparison.OrdinalIgnoreCase)
                ? Timeout.InfiniteTimeSpan
                : Duration(requestTimeout);
            options = Apply(requestTimeout, () => options.WithRequestTimeout(timeout));
        }
        if (Value(section, "StartupTimeout") is { } startup) options = Apply(startup, () => options.WithStartupTimeout(Duration(startup)));
        if (Value(section, "StopGracePeriod") is { } grace) options = Apply(grace, () => options.WithStopGracePeriod(Duration(grace)));
        var maxInFlight = Value(section, "MaxInFlight");
        var maxQueued = Value(section, "MaxQueued");
        if (maxInFlight is not null || maxQueued is not null)
        {
            var inFlight = maxInFlight is null ? options.MaxInFlight : Integer(maxInFlight);
            var queued = maxQueued is null ? options.MaxQueued : Integer(maxQueued);
            if (inFlight < 1) throw new HelperConfigurationException(maxInFlight!.Path, $"must be at least 1 (got {inFlight})");
            if (queued < 0) throw new HelperConfigurationException(maxQueued!.Path, $"must not be negative (got {queued})");
            options = options.WithBounds(inFlight, queued);
        }
        if (Value(section, "MemoryLimitBytes") is { } memory)
        {
            var bytes = LongInteger(memory);
            if (bytes <= 0) throw new HelperConfigurationException(memory.Path, $"must be a positive number of bytes (got {bytes})");
            options = options.WithLaunch(options.Launch.WithMemoryLimit(bytes));
        }
        if (Value(section, "IdleTimeout") is { } idle)
        {
            var timeout = string.Equals(idle.Value, "Infinite", StringComparison.OrdinalIgnoreCase)
                ? Timeout.InfiniteTimeSpan
                : Duration(idle);
            options = Apply(idle, () => options.WithIdleTimeout(timeout));
        }
        var watchdog = section.GetSection("Watchdog");
        if (watchdog.Exists())
        {
            RejectUnknown(watchdog, WatchdogKeys);
            var interval = Value(watchdog, "Interval") ?? throw new HelperConfigurationException(watchdog.Path + ":Interval", "is required when Watchdog is set");
            var timeout = Value(watchdog, "Timeout") ?? throw new HelperConfigurationException(watchdog.Path + ":Timeout", "is required when Watchdog is set");
            var (every, within) = (Positive(interval), Positive(timeout));
            try
            {
                options = options.WithWatchdog(every, within);
            }
            catch (InvalidOperationException e)
            {
                // Base options for a plain msgpack-rpc helper: it would never answer a ping.
                throw new HelperConfigurationException(watchdog.Path, e.Message, e);
            }
        }
        var supervision = section.GetSection("Supervision");
        if (supervision.Value is not null)
            throw new HelperConfigurationException(supervision.Path, "must be a section of failure kinds, not a value");
        if (supervision.Exists()) options = options.WithSupervision(HelperSupervisionConfiguration.Bind(supervision, options.Supervision));
        return options;
    }

    private static void RejectUnknown(IConfiguration section, string[] known)
    {
        foreach (var child in section.GetChildren())
        {
            if (!known.Contains(child.Key, StringComparer.OrdinalIgnoreCase))
                throw new HelperConfigurationException(child.Path, $"is not a helper option (known: {string.Join(", ", known)})");
        }
    }

    private static IConfigurationSection? Value(IConfiguration section, string key)
    {
        var child = section.GetSection(key);
        return child.Value is null ? null : child;
    }

    // "5" would read as five days: a duration must spell out its hours, minutes and seconds.
    private static TimeSpan Duration(IConfigurationSection value) =>
        value.Value!.Contains(':') && TimeSpan.TryParseExact(value.Value, "c", CultureInfo.InvariantCulture, out var span)
            ? span
            : throw new HelperConfigurationException(value.Path, $"\"{value.Value}\" is not a duration ([d.]hh:mm:ss[.fffffff])");

    private static TimeSpan Positive(IConfigurationSection value)
    {
        var span = Duration(value);
        return span > TimeSpan.Zero ? span : throw new HelperConfigurationException(value.Path, $"\"{value.Value}\" is not positive");
    }

    private static int Integer(IConfigurationSection value) =>
        int.TryParse(value.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number)
            ? number
            : throw new HelperConfigurationException(value.Path, $"\"{value.Value}\" is not an integer");

    private static long LongInteger(IConfigurationSection value) =>
        long.TryParse(value.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number)
            ? number
            : throw new HelperConfigurationException(value.Path, $"\"{value.Value}\" is not an integer");

    private static HelperOptions Apply(IConfigurationSection value, Func<HelperOptions> with)
    {
        try
        {
            return with();
        }
        catch (ArgumentException e)
        {
            throw new HelperConfigurationException(value.Path, $"\"{value.Value}\" is not allowed: {e.Message}", e);
        }
    }
}
