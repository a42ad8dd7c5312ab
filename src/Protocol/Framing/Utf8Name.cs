using System.Buffers;
using System.Text;
using System.Text.Unicode;
using MessagePack;

namespace UmhActors.Protocol.Framing;

/// <summary>
/// Reads a name (method, error message, helper name, map key) that a peer may send as MessagePack
/// str or bin: many msgpack-rpc implementations write names as bin (the format's older "raw" type,
/// bytes-typed names in Python and other languages) and the established servers accept both.
/// Either way the bytes must be UTF-8; what we write is always str.
/// </summary>
internal static class Utf8Name
{
    /// <summary>True when the next value is str or bin, the two types a name may come as.</summary>
    public static bool IsNext(ref MessagePackReader reader) =>
        reader.NextMessagePackType is MessagePackType.String or MessagePackType.Binary;

    /// <summary>The raw bytes of the str or bin at the reader (nil gives null), without decoding.</summary>
    /// <exception cref="MessagePackSerializationException">The next value is neither str, bin nor nil.</exception>
    public static ReadOnlySequence<byte>? ReadBytes(ref MessagePackReader reader) =>
        reader.NextMessagePackType == MessagePackType.Binary ? reader.ReadBytes() : reader.ReadStringSequence();

    /// <summary>The str or bin at the reader as text (nil gives null).</summary>
    /// <exception cref="MessagePackSerializationException">The next value is neither str, bin nor
    /// nil, or its bytes are not valid UTF-8 (strict: no replacement characters).</exception>
    public static string? Read(ref MessagePackReader reader)
    {
        if (ReadBytes(ref reader) is not { } bytes) return null;
        var span = bytes.IsSingleSegment ? bytes.FirstSpan : bytes.ToArray();
        return Decode(span) ?? throw new MessagePackSerializationException(InvalidMessage(span.Length));
    }

    /// <summary>The text of <paramref name="utf8"/>, or null when it is not valid UTF-8.</summary>
    public static string? Decode(ReadOnlySpan<byte> utf8) => Utf8.IsValid(utf8) ? Encoding.UTF8.GetString(utf8) : null;

    /// <summary>The message that says a name of <paramref name="length"/> bytes is not UTF-8.</summary>
    public static string InvalidMessage(int length) => $"a name of {length} bytes is not valid UTF-8";
}
