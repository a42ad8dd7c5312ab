using System.Buffers;
using System.Buffers.Binary;

namespace UmhActors.Protocol.Framing;

/// <summary>
/// Finds where the next whole MessagePack value ends without decoding it, enforcing the limits on
/// every header as it arrives. Resumable: when the value is incomplete it remembers how far it got,
/// so a frame arriving in many reads is scanned once, not once per read.
/// </summary>
internal sealed class FrameScanner
{
    private readonly DecoderLimits _limits;
    // Elements still expected at each open nesting level; level 0 is the top-level value.
    private readonly long[] _remaining;
    private int _depth = -1;
    private long _scanned;
    private object? _startObject;
    private int _startIndex;

    public FrameScanner(DecoderLimits limits)
    {
        _limits = limits;
        _remaining = new long[limits.MaxDepth + 1];
    }

    public void Reset() => _depth = -1;

    /// <summary>The length of the value at the start of <paramref name="buffer"/>, or -1 when more
    /// bytes are needed. Throws <see cref="ProtocolViolationException"/> with <paramref name="streamOffset"/>.</summary>
    public long Scan(in ReadOnlySequence<byte> buffer, long streamOffset)
    {
        var start = buffer.Start;
        // Resume only over the very same bytes; any other buffer starts a fresh scan.
        if (_depth < 0 || !ReferenceEquals(start.GetObject(), _startObject) || start.GetInteger() != _startIndex || buffer.Length < _scanned)
        {
            _depth = 0;
            _remaining[0] = 1;
            _scanned = 0;
            _startObject = start.GetObject();
            _startIndex = start.GetInteger();
        }

        var reader = new SequenceReader<byte>(buffer);
        reader.Advance(_scanned);
        Span<byte> header = stackalloc byte[9];
        while (true)
        {
            while (_remaining[_depth] == 0)
            {
                if (_depth == 0)
                {
                    var length = _scanned;
                    _depth = -1;
                    return length;
                }
                _depth--;
            }

            if (!reader.TryPeek(out var code)) return -1;
            if (_scanned == 0 && !IsArray(code))
                throw new ProtocolViolationException(code == 0xc1 ? ProtocolViolationReason.Malformed : ProtocolViolationReason.WrongShape,
                    streamOffset, $"a frame must be a MessagePack array; got code 0x{code:x2}");

            var (headerLength, kind) = Classify(code, streamOffset);
            if (reader.Remaining < headerLength) return -1;
            if (headerLength > 1)
                reader.TryCopyTo(header[..headerLength]);
            else
                header[0] = code;

            long body = 0, children = 0;
            switch (kind)
            {
                case ValueKind.Fixed:
                    break;
                case ValueKind.FixedBody:
                    body = FixedBodyLength(code);
                    break;
                case ValueKind.Bytes:
                    body = DeclaredLength(code, header, headerLength);
                    if (body > _limits.MaxStringLength)
                        throw new ProtocolViolationException(ProtocolViolationReason.StringTooLong, streamOffset,
                            $"a value declares {body} bytes; the limit is {_limits.MaxStringLength}");
                    break;
                case ValueKind.Array:
                case ValueKind.Map:
                    children = DeclaredLength(code, header, headerLength);
                    if (children > _limits.MaxCollectionLength)
                        throw new ProtocolViolationException(ProtocolViolationReason.CollectionTooLong, streamOffset,
                            $"a collection declares {children} entries; the limit is {_limits.MaxCollectionLength}");
                    if (kind == ValueKind.Map) children *= 2;
                    break;
            }

            // Each child takes at least one byte, so this is a lower bound of the frame's size.
            var atLeast = _scanned + headerLength + body + children;
            if (atLeast > _limits.MaxFrameSize)
                throw new ProtocolViolationException(ProtocolViolationReason.FrameTooLarge, streamOffset,
                    $"the frame needs at least {atLeast} bytes; the limit is {_limits.MaxFrameSize}");
            if (reader.Remaining < headerLength + body) return -1;

            reader.Advance(headerLength + body);
            _scanned += headerLength + body;
            _remaining[_depth]--;
            if (children > 0)
            {
                if (_depth + 1 >= _remaining.Length)
                    throw new ProtocolViolationException(ProtocolViolationReason.NestingTooDeep, streamOffset,
                        $"arrays and maps nest deeper than {_limits.MaxDepth}");
                _remaining[++_depth] = children;
            }
        }
    }

    private enum ValueKind : byte { Fixed, FixedBody, Bytes, Array, Map }

    private static bool IsArray(byte code) => code is (>= 0x90 and <= 0x9f) or 0xdc or 0xdd;

    private static (int HeaderLength, ValueKind Kind) Classify(byte code, long offset) => code switch
    {
        <= 0x7f => (1, ValueKind.Fixed),
        <= 0x8f => (1, ValueKind.Map),
        <= 0x9f => (1, ValueKind.Array),
        <= 0xbf => (1, ValueKind.Bytes),
        0xc0 or 0xc2 or 0xc3 => (1, ValueKind.Fixed),
        0xc1 => throw new ProtocolViolationException(ProtocolViolationReason.Malformed, offset, "code 0xc1 is never used in MessagePack"),
        0xc4 or 0xd9 => (2, ValueKind.Bytes),
        0xc5 or 0xda => (3, ValueKind.Bytes),
        0xc6 or 0xdb => (5, ValueKind.Bytes),
        0xc7 => (3, ValueKind.Bytes), // ext8: length, then type
        0xc8 => (4, ValueKind.Bytes),
        0xc9 => (6, ValueKind.Bytes),
        0xca or 0xcb or (>= 0xcc and <= 0xd3) => (1, ValueKind.FixedBody),
        >= 0xd4 and <= 0xd8 => (1, ValueKind.FixedBody), // fixext: type byte + 1..16 data bytes
        0xdc => (3, ValueKind.Array),
        0xdd => (5, ValueKind.Array),
        0xde => (3, ValueKind.Map),
        0xdf => (5, ValueKind.Map),
        _ => (1, ValueKind.Fixed), // negative fixint 0xe0..0xff
    };

    private static long FixedBodyLength(byte code) => code switch
    {
        0xca => 4, 0xcb => 8,
        0xcc or 0xd0 => 1, 0xcd or 0xd1 => 2, 0xce or 0xd2 => 4, 0xcf or 0xd3 => 8,
        0xd4 => 2, 0xd5 => 3, 0xd6 => 5, 0xd7 => 9, 0xd8 => 17,
        _ => 0,
    };

    private static long DeclaredLength(byte code, ReadOnlySpan<byte> header, int headerLength)
    {
        if (headerLength == 1)
            return code switch { <= 0x8f => code & 0x0f, <= 0x9f => code & 0x0f, _ => code & 0x1f };
        var extra = code is 0xc7 or 0xc8 or 0xc9 ? 1 : 0; // ext's type byte follows its length
        return (headerLength - extra) switch
        {
            2 => header[1],
            3 => BinaryPrimitives.ReadUInt16BigEndian(header[1..]),
            _ => BinaryPrimitives.ReadUInt32BigEndian(header[1..]),
        };
    }
}
