namespace UmhActors.Protocol.Framing;

/// <summary>
/// Checks that bytes in memory are exactly one well-formed MessagePack value within
/// <see cref="DecoderLimits"/>, as a peer's decoder would find it inside a frame: the same header
/// rules and limits the decoder applies to every frame it reads, without decoding anything.
/// </summary>
/// <remarks>
/// <para>Reads headers only (string, binary and extension bodies are skipped), so it costs a few
/// nanoseconds for typical values and stays linear in the number of values; it allocates only
/// for a problem it reports, or for nesting deeper than 16 levels.</para>
/// <para><see cref="DecoderLimits.MaxFrameSize"/> and <see cref="DecoderLimits.MaxMethodNameLength"/>
/// are not checked here: they are about the frame around the value, which the caller knows.</para>
/// </remarks>
public static class MessagePackValueCheck
{
    // Values rarely nest deeply: a small stack first, the full one only when needed.
    private const int ShallowLevels = 16;

    /// <summary>
    /// The first problem with <paramref name="value"/> as one MessagePack value, or null when it
    /// is one whole value, nothing after it, within <paramref name="limits"/>.
    /// </summary>
    /// <param name="value">The bytes to check.</param>
    /// <param name="limits">The limits of the decoder that will read the value.</param>
    /// <param name="depthAlreadyUsed">How many nesting levels enclose the value where it will be
    /// decoded (1 for a value inside the frame array, such as a request's params). The value's
    /// outermost collection opens the next level; as in the decoder, only a collection with
    /// entries opens one, and no level may exceed <see cref="DecoderLimits.MaxDepth"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="depthAlreadyUsed"/> is
    /// negative or more than <see cref="DecoderLimits.MaxDepth"/>.</exception>
    public static MessagePackValueProblem? Check(ReadOnlySpan<byte> value, DecoderLimits limits, int depthAlreadyUsed)
    {
        ArgumentNullException.ThrowIfNull(limits);
        ArgumentOutOfRangeException.ThrowIfNegative(depthAlreadyUsed);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(depthAlreadyUsed, limits.MaxDepth);

        var maxLevels = limits.MaxDepth - depthAlreadyUsed;
        Span<long> remaining = stackalloc long[Math.Min(maxLevels + 1, ShallowLevels)];
        var depth = 0;
        remaining[0] = 1;
        var position = 0;
        while (true)
        {
            while (remaining[depth] == 0)
            {
                if (depth == 0)
                    return position == value.Length
                        ? null
                        : new(MessagePackValueProblemKind.TrailingBytes, position, value.Length - position);
                depth--;
            }
            if (position >= value.Length)
                return value.IsEmpty ? new(MessagePackValueProblemKind.Empty, 0, 0) : Truncated(position);

            var code = value[position];
            if (code <= 0x7f || code >= 0xe0 || code is 0xc0 or 0xc2 or 0xc3)
            {
                // One-byte values (small integers, nil, booleans): the bulk of most values.
                position++;
                remaining[depth]--;
                continue;
            }
            if (code is >= 0xca and <= 0xd8)
            {
                // Numbers and fixext: a fixed body, no limit to check.
                var size = 1 + (int)MessagePackHeader.FixedBodyLength(code);
                if (value.Length - position < size) return Truncated(position);
                position += size;
                remaining[depth]--;
                continue;
            }
            var (headerLength, kind) = MessagePackHeader.Classify(code);
            if (kind == MessagePackHeader.Kind.Unused) return new(MessagePackValueProblemKind.UnusedCode, position, 0);
            if (value.Length - position < headerLength) return Truncated(position);
            var header = value.Slice(position, headerLength);

            long body = 0, children = 0;
            switch (kind)
            {
                case MessagePackHeader.Kind.Bytes:
                    body = MessagePackHeader.DeclaredLength(code, header);
                    if (body > limits.MaxStringLength)
                        return new(MessagePackValueProblemKind.StringTooLong, position, body);
                    break;
                case MessagePackHeader.Kind.Array or MessagePackHeader.Kind.Map:
                    children = MessagePackHeader.DeclaredLength(code, header);
                    if (children > limits.MaxCollectionLength)
                        return new(MessagePackValueProblemKind.CollectionTooLong, position, children);
                    if (kind == MessagePackHeader.Kind.Map) children *= 2;
                    break;
            }
            if (value.Length - position - headerLength < body) return Truncated(position);
            var start = position;
            position += headerLength + (int)body;
            remaining[depth]--;
            if (children == 0) continue;
            if (depth + 1 > maxLevels)
                return new(MessagePackValueProblemKind.NestingTooDeep, start, 0);
            if (depth + 1 == remaining.Length)
            {
                var deeper = new long[maxLevels + 1];
                remaining.CopyTo(deeper);
                remaining = deeper;
            }
            remaining[++depth] = children;
        }
    }

    private static MessagePackValueProblem Truncated(int offset) => new(MessagePackValueProblemKind.Truncated, offset, 0);
}
