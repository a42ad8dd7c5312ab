namespace UmhActors.Protocol.Framing;

/// <summary>
/// Bounds the decoder enforces on an untrusted peer. Defaults are safe for a helper the host did
/// not write; raise them only for helpers that need to send larger values.
/// </summary>
/// <remarks>Every declared length is checked against these limits as soon as its header has
/// arrived, before the bytes it announces, so a peer cannot make the decoder allocate or wait for
/// more than <see cref="MaxFrameSize"/>.</remarks>
public sealed record DecoderLimits
{
    private readonly int _maxFrameSize = 16 * 1024 * 1024;
    private readonly int _maxDepth = 64;
    private readonly int _maxStringLength = 16 * 1024 * 1024;
    private readonly int _maxCollectionLength = 1024 * 1024;
    private readonly int _maxMethodNameLength = 256;

    /// <summary>The defaults: 16 MiB frames, depth 64, 16 MiB strings, 1,048,576-entry collections, 256-byte method names.</summary>
    public static DecoderLimits Default { get; } = new();

    /// <summary>Largest whole frame in bytes, headers included. Default 16 MiB.</summary>
    public int MaxFrameSize { get => _maxFrameSize; init => _maxFrameSize = Positive(value); }

    /// <summary>Deepest nesting of arrays and maps; the frame array itself is depth 1. Default 64.</summary>
    public int MaxDepth { get => _maxDepth; init => _maxDepth = Positive(value); }

    /// <summary>Longest string, binary or extension value in bytes. Default 16 MiB.</summary>
    public int MaxStringLength { get => _maxStringLength; init => _maxStringLength = Positive(value); }

    /// <summary>Most elements in one array, or key/value pairs in one map. Default 1,048,576.</summary>
    public int MaxCollectionLength { get => _maxCollectionLength; init => _maxCollectionLength = Positive(value); }

    /// <summary>Longest method name in UTF-8 bytes. Default 256.</summary>
    public int MaxMethodNameLength { get => _maxMethodNameLength; init => _maxMethodNameLength = Positive(value); }

    private static int Positive(int value, [System.Runtime.CompilerServices.CallerMemberName] string name = "") =>
        value > 0 ? value : throw new ArgumentOutOfRangeException(name, value, "must be positive");
}
