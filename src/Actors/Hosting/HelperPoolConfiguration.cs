using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace UmhActors.Hosting;

/// <summary>
/// The <c>Pool</c> block of a pool's configuration section:
/// <code>"Pool": { "Size": 8, "Routing": "SmallestMailbox" }</code>
/// <c>Size</c> (1 or more) is required; <c>Routing</c> is a <see cref="HelperRouting"/> name
/// (<c>RoundRobin</c>, <c>SmallestMailbox</c>, <c>ConsistentHash</c>, or <c>round-robin</c>…), by default
/// <c>RoundRobin</c>. An unknown key or an impossible value throws <see cref="HelperConfigurationException"/>
/// naming the key.
/// </summary>
internal static class HelperPoolConfiguration
{
    private static readonly string[] Keys = ["Size", "Routing"];

    /// <summary>The size and routing the <c>Pool</c> block of <paramref name="section"/> gives.</summary>
    /// <exception cref="HelperConfigurationException">The block or its <c>Size</c> is missing, a key is unknown, or a value impossible.</exception>
    public static (int Size, HelperRouting Routing) Bind(IConfiguration section)
    {
        var pool = section.GetSection("Pool");
        if (pool.Value is not null) throw new HelperConfigurationException(pool.Path, "must be a section (Size, Routing), not a value");
        foreach (var child in pool.GetChildren())
        {
            if (!Keys.Contains(child.Key, StringComparer.OrdinalIgnoreCase))
                throw new HelperConfigurationException(child.Path, $"is not a pool option (known: {string.Join(", ", Keys)})");
            if (child.Value is null) throw new HelperConfigurationException(child.Path, "must be a value, not a section");
        }
        var routingValue = pool.GetSection("Routing");
        var routing = routingValue.Value is null ? HelperRouting.RoundRobin : Routing(routingValue);
        var sizeValue = pool.GetSection("Size");
        if (sizeValue.Value is null) throw new HelperConfigurationException(sizeValue.Path, "is required: the number of helpers in the pool");
        if (!int.TryParse(sizeValue.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var size) || size < 1)
            throw new HelperConfigurationException(sizeValue.Path, $"\"{sizeValue.Value}\" is not a pool size (an integer, 1 or more)");
        return (size, routing);
    }

    private static HelperRouting Routing(IConfigurationSection value)
    {
        var name = value.Value!.Replace("-", "", StringComparison.Ordinal).Replace("_", "", StringComparison.Ordinal);
        foreach (var routing in Enum.GetValues<HelperRouting>())
        {
            if (string.Equals(name, routing.ToString(), StringComparison.OrdinalIgnoreCase)) return routing;
        }
        throw new HelperConfigurationException(value.Path, $"\"{value.Value}\" is not a routing (known: {string.Join(", ", Enum.GetNames<HelperRouting>())})");
    }
}
