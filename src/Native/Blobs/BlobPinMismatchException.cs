namespace UmhActors.Native.Blobs;

/// <summary>
/// A blob's bytes do not hash to the SHA-256 pin it was given. Nothing was executed.
/// </summary>
public sealed class BlobPinMismatchException : Exception
{
    /// <summary>Creates the exception for blob <paramref name="blobName"/>.</summary>
    public BlobPinMismatchException(string blobName, string expectedSha256, string actualSha256)
        : base($"helper blob '{blobName}' does not match its SHA-256 pin: expected {expectedSha256}, got {actualSha256}; nothing was executed")
    {
        BlobName = blobName;
        ExpectedSha256 = expectedSha256;
        ActualSha256 = actualSha256;
    }

    /// <summary>The blob's name.</summary>
    public string BlobName { get; }

    /// <summary>The pinned hash, lower-case hex.</summary>
    public string ExpectedSha256 { get; }

    /// <summary>The hash of the bytes actually supplied, lower-case hex.</summary>
    public string ActualSha256 { get; }
}
