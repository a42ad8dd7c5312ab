using System.Reflection;
using System.Security.Cryptography;
using UmhActors.Native.Handles;

namespace UmhActors.Native.Blobs;

/// <summary>
/// An executable image a helper runs from: an ELF binary or a <c>#!</c> script, carried in
/// memory (typically an embedded resource) and never written to disk.
/// </summary>
/// <remarks>
/// The user-space counterpart of the blob passed to <c>fork_usermode_blob()</c>. On first launch
/// the bytes are checked against the optional SHA-256 pin, copied into one sealed memfd named
/// <c>umh:NAME</c>, and every later launch executes that same memfd. Disposing the blob closes
/// the memfd; helpers already running are unaffected. Thread-safe.
/// </remarks>
public sealed class HelperBlob : IDisposable
{
    /// <summary>The prefix of every helper memfd's name, so <c>/proc/PID/exe</c> reads
    /// <c>/memfd:umh:NAME (deleted)</c>.</summary>
    public const string MemfdNamePrefix = "umh:";

    /// <summary>The manifest resource name prefix the build uses for embedded helpers
    /// (<c>&lt;UmhHelper Include="…" Name="foo" /&gt;</c> embeds <c>umh-helper:foo</c>).</summary>
    public const string EmbeddedHelperResourcePrefix = "umh-helper:";

    private readonly object _gate = new();
    private byte[]? _bytes;
    private MemfdHandle? _memfd;
    private bool _disposed;

    private HelperBlob(string name, byte[] bytes, string? pinnedSha256)
    {
        if (string.IsNullOrWhiteSpace(name)) throw new ArgumentException("a blob needs a name", nameof(name));
        if (name.Contains('/') || name.Contains('\0')) throw new ArgumentException("a blob name cannot contain '/' or NUL", nameof(name));
        if (bytes.Length == 0) throw new ArgumentException($"helper blob '{name}' is empty", nameof(bytes));
        Name = name;
        _bytes = bytes;
        Length = bytes.Length;
        IsScript = bytes.Length >= 2 && bytes[0] == (byte)'#' && bytes[1] == (byte)'!';
        PinnedSha256 = pinnedSha256 is null ? null : NormalizeHex(pinnedSha256);
    }

    /// <summary>The blob's name: the memfd is <c>umh:NAME</c> and argv[0] defaults to it.</summary>
    public string Name { get; }

    /// <summary>The size of the image in bytes.</summary>
    public int Length { get; }

    /// <summary>True when the image starts with <c>#!</c>: it runs through its interpreter,
    /// which reads the script back from the memfd (left open as fd 3 in the helper).</summary>
    public bool IsScript { get; }

    /// <summary>The SHA-256 the bytes must hash to, lower-case hex; null when not pinned.</summary>
    public string? PinnedSha256 { get; }

    /// <summary>A blob over a copy of <paramref name="bytes"/>.</summary>
    public static HelperBlob FromBytes(string name, ReadOnlySpan<byte> bytes) => new(name, bytes.ToArray(), null);

    /// <summary>A blob read to the end of <paramref name="stream"/>.</summary>
    public static HelperBlob FromStream(string name, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return new HelperBlob(name, copy.ToArray(), null);
    }

    /// <summary>A blob from the manifest resource <paramref name="resourceName"/> of
    /// <paramref name="assembly"/>; <paramref name="name"/> defaults to the resource name.</summary>
    /// <exception cref="ArgumentException">The assembly has no such resource (the message lists the ones it has).</exception>
    public static HelperBlob FromResource(Assembly assembly, string resourceName, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        using var stream = assembly.GetManifestResourceStream(resourceName)
            ?? throw new ArgumentException(
                $"assembly '{assembly.GetName().Name}' has no resource '{resourceName}'; it has: " +
                string.Join(", ", assembly.GetManifestResourceNames()), nameof(resourceName));
        return FromStream(name ?? resourceName, stream);
    }

    /// <summary>A helper the build embedded with <c>&lt;UmhHelper Name="NAME" /&gt;</c>.</summary>
    public static HelperBlob FromEmbeddedHelper(Assembly assembly, string helperName) =>
        FromResource(assembly, EmbeddedHelperResourcePrefix + helperName, helperName);

    /// <summary>A blob with the bytes of the file at <paramref name="path"/>.</summary>
    public static HelperBlob FromFile(string name, string path) => new(name, File.ReadAllBytes(path), null);

    /// <summary>
    /// A new blob over the same bytes that refuses to launch unless they hash to
    /// <paramref name="sha256Hex"/>. The check runs once, before the memfd is created.
    /// </summary>
    public HelperBlob WithSha256Pin(string sha256Hex)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(sha256Hex);
        lock (_gate)
        {
            var bytes = _bytes ?? throw new InvalidOperationException(
                $"helper blob '{Name}' has already been launched; pin it before its first launch");
            return new HelperBlob(Name, bytes, sha256Hex);
        }
    }

    /// <summary>The SHA-256 of <paramref name="bytes"/> as lower-case hex.</summary>
    public static string ComputeSha256(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    /// <summary>
    /// The sealed memfd for this blob, created on first use. The caller must not dispose it.
    /// </summary>
    /// <exception cref="BlobPinMismatchException">The bytes do not match the pin.</exception>
    /// <exception cref="ObjectDisposedException">The blob was disposed.</exception>
    /// <exception cref="NativeCallException">memfd_create, write or sealing failed.</exception>
    public MemfdHandle GetSealedMemfd()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_memfd is not null) return _memfd;
            var bytes = _bytes!;
            if (PinnedSha256 is not null)
            {
                var actual = ComputeSha256(bytes);
                if (actual != PinnedSha256) throw new BlobPinMismatchException(Name, PinnedSha256, actual);
            }
            _memfd = SealedMemfd.Create(MemfdNamePrefix + Name, bytes);
            // The memfd holds the only copy the blob needs from now on.
            _bytes = null;
            return _memfd;
        }
    }

    /// <summary>The seals on the blob's memfd (<c>F_GET_SEALS</c>), creating it if needed.</summary>
    public int GetSeals() => SealedMemfd.GetSeals(GetSealedMemfd());

    /// <summary>Closes the memfd. Running helpers keep running; later launches throw
    /// <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            _bytes = null;
            _memfd?.Dispose();
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"HelperBlob({Name}, {Length} bytes{(IsScript ? ", script" : "")})";

    private static string NormalizeHex(string hex)
    {
        var normalized = hex.Trim().ToLowerInvariant();
        if (normalized.Length != 64 || !normalized.All(Uri.IsHexDigit))
            throw new ArgumentException($"'{hex}' is not a SHA-256 in hex (64 hex digits)", nameof(hex));
        return normalized;
    }
}
