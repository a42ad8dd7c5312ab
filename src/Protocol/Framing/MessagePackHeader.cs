using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace UmhActors.Protocol.Framing;

/// <summary>
/// The MessagePack header tables: from a value's first byte, how long its header is and what
/// follows it (nothing, a fixed body, a declared number of bytes, or a declared number of
/// children). Shared by the streaming <see cref="FrameScanner"/> and the in-memory
/// <see cref="MessagePackValueCheck"/>, so the two cannot disagree about the wire format.
/// </summary>
internal static class MessagePackHeader
{
    /// <summary>What a header announces after itself.</summary>
    internal enum Kind : byte
    {
        /// <summary>Nothing: the header is the whole value (fixints, nil, booleans).</summary>
        Fixed,
        /// <summary>A body whose length the code alone gives (numbers, fixext).</summary>
        FixedBody,
        /// <summary>A body whose length the header declares (str, bin, ext).</summary>
        Bytes,
        /// <summary>A declared number of elements.</summary>
        Array,
        /// <summary>A declared number of key/value pairs.</summary>
        Map,
        /// <summary>Code <c>0xc1</c>, which MessagePack never uses.</summary>
        Unused,
    }

    /// <summary>The longest header: ext32's code, 4 length bytes and type byte.</summary>
    public const int MaxLength = 6;

    /// <summary>The header length (code byte included) and kind of the value starting with
    /// <paramref name="code"/>. <c>0xc1</c> gives <see cref="Kind.Unused"/> with length 1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (int Length, Kind Kind) Classify(byte code) => code switch
    {
        <= 0x7f => (1, Kind.Fixed),
        <= 0x8f => (1, Kind.Map),
        <= 0x9f => (1, Kind.Array),
        <= 0xbf => (1, Kind.Bytes),
        0xc0 or 0xc2 or 0xc3 => (1, Kind.Fixed),
        0xc1 => (1, Kind.Unused),
        0xc4 or 0xd9 => (2, Kind.Bytes),
        0xc5 or 0xda => (3, Kind.Bytes),
        0xc6 or 0xdb => (5, Kind.Bytes),
        0xc7 => (3, Kind.Bytes), // ext8: length, then type
        0xc8 => (4, Kind.Bytes),
        0xc9 => (6, Kind.Bytes),
        0xca or 0xcb or (>= 0xcc and <= 0xd3) => (1, Kind.FixedBody),
        >= 0xd4 and <= 0xd8 => (1, Kind.FixedBody), // fixext: type byte + 1..16 data bytes
        0xdc => (3, Kind.Array),
        0xdd => (5, Kind.Array),
        0xde => (3, Kind.Map),
        0xdf => (5, Kind.Map),
        _ => (1, Kind.Fixed), // negative fixint 0xe0..0xff
    };

    /// <summary>The body length of a <see cref="Kind.FixedBody"/> value (fixext's type byte
    /// included); 0 for any other code.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long FixedBodyLength(byte code) => code switch
    {
        0xca => 4, 0xcb => 8,
        0xcc or 0xd0 => 1, 0xcd or 0xd1 => 2, 0xce or 0xd2 => 4, 0xcf or 0xd3 => 8,
        0xd4 => 2, 0xd5 => 3, 0xd6 => 5, 0xd7 => 9, 0xd8 => 17,
        _ => 0,
    };

    /// <summary>The byte count (<see cref="Kind.Bytes"/>; an ext's type byte not included) or
    /// entry count (<see cref="Kind.Array"/>, <see cref="Kind.Map"/>: pairs, not keys plus values)
    /// that <paramref name="header"/> declares. <paramref name="header"/> is exactly the
    /// <see cref="Classify"/> length; its first byte need not be filled in, <paramref name="code"/> stands for it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long DeclaredLength(byte code, ReadOnlySpan<byte> header)
    {
        if (header.Length == 1)
            return code <= 0x9f ? code & 0x0f : code & 0x1f;
        var extra = code is 0xc7 or 0xc8 or 0xc9 ? 1 : 0; // ext's type byte follows its length
        return (header.Length - extra) switch
        {
            2 => header[1],
            3 => BinaryPrimitives.ReadUInt16BigEndian(header[1..]),
            _ => BinaryPrimitives.ReadUInt32BigEndian(header[1..]),
        };
    }
}
