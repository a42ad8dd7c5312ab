namespace UmhActors.Protocol;

/// <summary>The helper's <c>$/hello</c> announced a protocol version the host does not support.</summary>
public sealed class ProtocolVersionMismatchException : ProtocolViolationException
{
    /// <summary>The helper announced <paramref name="helperVersion"/>; the host supports
    /// <paramref name="minSupported"/> to <paramref name="maxSupported"/> inclusive.</summary>
    public ProtocolVersionMismatchException(int helperVersion, int minSupported, int maxSupported, string? helperName = null)
        : base(ProtocolViolationReason.VersionMismatch, -1,
            $"helper{(helperName is null ? "" : $" '{helperName}'")} speaks protocol version {helperVersion}, " +
            $"but this host supports {(minSupported == maxSupported ? $"version {minSupported}" : $"versions {minSupported} to {maxSupported}")}")
    {
        HelperVersion = helperVersion;
        MinSupported = minSupported;
        MaxSupported = maxSupported;
    }

    /// <summary>The version the helper announced.</summary>
    public int HelperVersion { get; }

    /// <summary>The lowest version the host accepts.</summary>
    public int MinSupported { get; }

    /// <summary>The highest version the host accepts.</summary>
    public int MaxSupported { get; }
}
