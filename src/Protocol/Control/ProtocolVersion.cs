namespace UmhActors.Protocol.Control;

/// <summary>The protocol versions this library speaks, and the host's check of a helper's <c>$/hello</c>.</summary>
public static class ProtocolVersion
{
    /// <summary>The version this library's helper runtime announces.</summary>
    public const int Current = 1;

    /// <summary>The oldest version the host accepts.</summary>
    public const int MinSupported = 1;

    /// <summary>The newest version the host accepts.</summary>
    public const int MaxSupported = 1;

    /// <summary>Returns the version to speak with the helper that sent <paramref name="hello"/>.</summary>
    /// <exception cref="ProtocolVersionMismatchException">The helper's version is outside
    /// <paramref name="minSupported"/>..<paramref name="maxSupported"/>; the message names both.</exception>
    public static int Negotiate(HelloMessage hello, int minSupported = MinSupported, int maxSupported = MaxSupported)
    {
        ArgumentNullException.ThrowIfNull(hello);
        if (hello.ProtocolVersion < minSupported || hello.ProtocolVersion > maxSupported)
            throw new ProtocolVersionMismatchException(hello.ProtocolVersion, minSupported, maxSupported, hello.Name);
        return hello.ProtocolVersion;
    }
}
