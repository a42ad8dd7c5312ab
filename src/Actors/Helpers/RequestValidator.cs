using System.Buffers.Binary;
using System.Text;
using UmhActors.Protocol.Control;
using UmhActors.Protocol.Framing;
using UmhActors.Requests;

namespace UmhActors.Helpers;

/// <summary>
/// Checks a request against the limits the helper's runtime enforces on frames from the host
/// (<see cref="DecoderLimits"/>, the same record the host applies to the helper) before it is sent.
/// A request the helper would reject as a protocol violation would get the helper killed and fail
/// every other request in flight; rejected here, it fails alone.
/// </summary>
/// <remarks>The params walk reads headers only (string and binary bodies are skipped), so it costs
/// a few nanoseconds for typical params and stays linear in the number of values.</remarks>
internal static class RequestValidator
{
    /// <summary>The failure for <paramref name="request"/>, or null when it may be sent:
    /// <see cref="InvalidHelperRequestException"/> or <see cref="HelperRequestTooLargeException"/>.</summary>
    public static Exception? Check(HelperRequest request, string helperName, DecoderLimits limits)
    {
        var method = request.Method;
        if (method is null)
            return new InvalidHelperRequestException(helperName, null, HelperRequestProblem.MissingMethod, "the method is null");
        if (ControlMethods.IsControl(method))
            return new InvalidHelperRequestException(helperName, method, HelperRequestProblem.ReservedMethod,
                $"method names starting with '{ControlMethods.Prefix}' are reserved");
        // A char is at most 3 UTF-8 bytes (a surrogate pair is 4 for 2 chars): short names need no count.
        var methodBytes = method.Length * 3L <= limits.MaxMethodNameLength ? method.Length : Encoding.UTF8.GetByteCount(method);
        if (methodBytes > limits.MaxMethodNameLength)
            return new InvalidHelperRequestException(helperName, method, HelperRequestProblem.MethodTooLong,
                $"the method name has {methodBytes} UTF-8 bytes; the limit is {limits.MaxMethodNameLength}");

        var rawParams = request.RawParams.Span;
        // Array header, kind, msgid (≤ 5 bytes), method string header (≤ 5) and bytes, then the params.
        var frameBytes = 1L + 1 + 5 + 5 + methodBytes + rawParams.Length;
        if (frameBytes > limits.MaxFrameSize)
            return new HelperRequestTooLargeException(helperName, method, frameBytes, limits.MaxFrameSize);

        return CheckParams(rawParams, limits) is { } broken
            ? new InvalidHelperRequestException(helperName, method, broken.Problem, broken.Detail)
            : null;
    }

    private static (HelperRequestProblem Problem, string Detail)? CheckParams(ReadOnlySpan<byte> bytes, DecoderLimits limits)
    {
        // The frame array is level 1 of the helper's nesting count, so the params' outermost
        // collection opens level 2: here, level 1 of at most MaxDepth - 1. As in the helper's
        // scanner, only a collection with entries opens a level.
        var maxLevels = limits.MaxDepth - 1;
        // Params rarely nest deeply: a small stack first, the full one only when needed.
        Span<long> remaining = stackalloc long[Math.Min(maxLevels + 1, ShallowLevels)];
        var depth = 0;
        remaining[0] = 1;
        var position = 0;
        while (true)
        {
            while (remaining[depth] == 0)
            {
                if (depth == 0)
                    return position == bytes.Length
                        ? null
                        : (HelperRequestProblem.MalformedParams, $"{bytes.Length - position} bytes follow the params' one value");
                depth--;
            }
            if (position >= bytes.Length)
                return (HelperRequestProblem.MalformedParams, bytes.IsEmpty ? "the params are empty (not one MessagePack value)" : "the params end in the middle of a value");

            var code = bytes[position];
            if (code <= 0x7f || code >= 0xe0 || code is 0xc0 or 0xc2 or 0xc3)
            {
                // One-byte values (small integers, nil, booleans): the bulk of most params.
                position++;
                remaining[depth]--;
                continue;
            }
            if (code is >= 0xca and <= 0xd8)
            {
                // Numbers and fixext: a fixed body, no limit to check.
                var size = 1 + (int)FixedBodyLength(code);
                if (bytes.Length - position < size) return (HelperRequestProblem.MalformedParams, "the params end in the middle of a value");
                position += size;
                remaining[depth]--;
                continue;
            }
            if (code == 0xc1) return (HelperRequestProblem.MalformedParams, $"code 0xc1 at byte {position} is never used in MessagePack");
            var (headerLength, kind) = Classify(code);
            if (bytes.Length - position < headerLength) return (HelperRequestProblem.MalformedParams, "the params end in the middle of a value");
            var header = bytes.Slice(position, headerLength);

            long body = 0, children = 0;
            switch (kind)
            {
                case ValueKind.FixedBody:
                    body = FixedBodyLength(code);
                    break;
                case ValueKind.Bytes:
                    body = DeclaredLength(code, header);
                    if (body > limits.MaxStringLength)
                        return (HelperRequestProblem.StringTooLong, $"a value of {body} bytes; the limit is {limits.MaxStringLength}");
                    break;
                case ValueKind.Array or ValueKind.Map:
                    children = DeclaredLength(code, header);
                    if (children > limits.MaxCollectionLength)
                        return (HelperRequestProblem.CollectionTooLong, $"a collection of {children} entries; the limit is {limits.MaxCollectionLength}");
                    if (kind == ValueKind.Map) children *= 2;
                    break;
            }
            if (bytes.Length - position - headerLength < body) return (HelperRequestProblem.MalformedParams, "the params end in the middle of a value");
            position += headerLength + (int)body;
            remaining[depth]--;
            if (children == 0) continue;
            if (depth + 1 > maxLevels)
                return (HelperRequestProblem.NestingTooDeep, $"arrays and maps nest deeper than the helper's limit of {limits.MaxDepth} (the frame array counts as 1)");
            if (depth + 1 == remaining.Length)
            {
                var deeper = new long[maxLevels + 1];
                remaining.CopyTo(deeper);
                remaining = deeper;
            }
            remaining[++depth] = children;
        }
    }

    private const int ShallowLevels = 16;

    private enum ValueKind : byte { Fixed, FixedBody, Bytes, Array, Map }

    private static (int HeaderLength, ValueKind Kind) Classify(byte code) => code switch
    {
        <= 0x7f => (1, ValueKind.Fixed),
        <= 0x8f => (1, ValueKind.Map),
        <= 0x9f => (1, ValueKind.Array),
        <= 0xbf => (1, ValueKind.Bytes),
        0xc0 or 0xc2 or 0xc3 => (1, ValueKind.Fixed),
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

    private static long DeclaredLength(byte code, ReadOnlySpan<byte> header)
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
