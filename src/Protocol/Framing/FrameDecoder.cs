using System.Buffers;
using System.Buffers.Binary;
using MessagePack;

namespace UmhActors.Protocol.Framing;

/// <summary>
/// Decodes frames from one peer's byte stream, a read at a time: frames may be split across reads
/// and one read may hold many frames. One instance per stream; not thread-safe.
/// </summary>
/// <remarks>
/// The peer is untrusted. Anything that is not a valid frame within <see cref="DecoderLimits"/>
/// throws <see cref="ProtocolViolationException"/> and nothing else; after a violation the stream
/// cannot be resynchronised and should be abandoned.
/// </remarks>
public sealed class FrameDecoder
{
    private readonly FrameScanner _scanner;
    private readonly MethodNameCache _methods = new();
    private long _streamOffset;

    /// <summary>A decoder enforcing <paramref name="limits"/> (default <see cref="DecoderLimits.Default"/>).</summary>
    public FrameDecoder(DecoderLimits? limits = null)
    {
        Limits = limits ?? DecoderLimits.Default;
        _scanner = new FrameScanner(Limits);
    }

    /// <summary>The limits this decoder enforces.</summary>
    public DecoderLimits Limits { get; }

    /// <summary>Bytes consumed so far: the stream offset of the next frame.</summary>
    public long BytesConsumed => _streamOffset;

    /// <summary>
    /// Decodes the frame at the start of <paramref name="buffer"/>. Returns false when the buffer
    /// holds only part of a frame (nothing consumed; call again with the same bytes plus more).
    /// Returns true and advances <paramref name="buffer"/> past exactly one frame otherwise.
    /// </summary>
    /// <remarks>The frame's payloads are slices of <paramref name="buffer"/> when the frame lies in
    /// one segment (no copy), copies otherwise. They are valid only while the caller keeps those
    /// bytes; use <see cref="Frame.Detach"/> to keep a frame after the buffer is reused.</remarks>
    /// <exception cref="ProtocolViolationException">The bytes are not a valid frame.</exception>
    public bool TryDecode(ref ReadOnlySequence<byte> buffer, out Frame frame)
    {
        frame = default;
        if (buffer.IsEmpty) return false;
        long length;
        try
        {
            length = _scanner.Scan(buffer, _streamOffset);
            if (length < 0) return false;
            frame = Parse(buffer.Slice(0, length), _streamOffset);
        }
        catch (ProtocolViolationException)
        {
            _scanner.Reset();
            throw;
        }

        buffer = buffer.Slice(length);
        _streamOffset += length;
        return true;
    }

    /// <summary>Call at end of stream with what is left of the buffer: throws a
    /// <see cref="ProtocolViolationReason.TruncatedAtEndOfStream"/> violation when a partial frame remains.</summary>
    public void Complete(ReadOnlySequence<byte> remaining)
    {
        if (!remaining.IsEmpty)
            throw new ProtocolViolationException(ProtocolViolationReason.TruncatedAtEndOfStream, _streamOffset,
                $"the stream ended {remaining.Length} bytes into a frame");
    }

    private Frame Parse(ReadOnlySequence<byte> bytes, long offset)
    {
        if (bytes.IsSingleSegment && TryParseCommon(bytes.First, offset, out var common)) return common;
        // The scanner proved the value complete and within limits; what remains is its shape.
        try
        {
            var reader = new MessagePackReader(bytes);
            var count = reader.ReadArrayHeader();
            if (reader.NextMessagePackType != MessagePackType.Integer)
                throw Violation(ProtocolViolationReason.UnknownKind, offset, "the frame's first element is not an integer");
            var kind = reader.ReadInt64();
            switch (kind)
            {
                case 0 or 1 when count != 4:
                case 2 when count != 3:
                    throw Violation(ProtocolViolationReason.WrongShape, offset, $"a kind {kind} frame has {count} elements");
                case 0:
                {
                    var msgId = ReadMsgId(ref reader, offset);
                    var method = ReadMethod(ref reader, offset);
                    return new Frame(FrameKind.Request, msgId, method, Remaining(bytes, ref reader), default, offset);
                }
                case 1:
                {
                    var msgId = ReadMsgId(ref reader, offset);
                    var error = Element(bytes, ref reader);
                    return new Frame(FrameKind.Response, msgId, string.Empty, Remaining(bytes, ref reader), error, offset);
                }
                case 2:
                {
                    var method = ReadMethod(ref reader, offset);
                    return new Frame(FrameKind.Notification, 0, method, Remaining(bytes, ref reader), default, offset);
                }
                default:
                    throw Violation(ProtocolViolationReason.UnknownKind, offset, $"unknown frame kind {kind}");
            }
        }
        catch (Exception e) when (e is MessagePackSerializationException or EndOfStreamException or OverflowException or InvalidOperationException)
        {
            throw new ProtocolViolationException(ProtocolViolationReason.Malformed, offset, e.Message, e);
        }
    }

    /// <summary>The two frames of a busy stream in their usual encoding, read straight from the
    /// bytes: a request <c>[0, msgid, fixstr method, params]</c> and a response
    /// <c>[1, msgid, nil, result]</c>, msgid a positive fixint or uint 8/16/32. Anything else (an
    /// error response, other integer encodings, bin names, notifications) takes the general path, which
    /// gives the same frame; so does any frame this would reject.</summary>
    private bool TryParseCommon(ReadOnlyMemory<byte> memory, long offset, out Frame frame)
    {
        frame = default;
        var span = memory.Span;
        if (span.Length < 5 || span[0] != 0x94 || span[1] > 1) return false;
        int at;
        uint msgId;
        switch (span[2])
        {
            case <= 0x7f:
                msgId = span[2];
                at = 3;
                break;
            case 0xcc:
                msgId = span[3];
                at = 4;
                break;
            case 0xcd when span.Length >= 6:
                msgId = BinaryPrimitives.ReadUInt16BigEndian(span[3..]);
                at = 5;
                break;
            case 0xce when span.Length >= 8:
                msgId = BinaryPrimitives.ReadUInt32BigEndian(span[3..]);
                at = 7;
                break;
            default:
                return false;
        }
        if (at >= span.Length) return false;
        if (span[1] == 1)
        {
            // The scanner proved four whole values: after nil comes the result.
            if (span[at] != 0xc0) return false;
            frame = new Frame(FrameKind.Response, msgId, string.Empty, memory[(at + 1)..], memory.Slice(at, 1), offset);
            return true;
        }
        var code = span[at];
        if (code is < 0xa0 or > 0xbf) return false;
        var nameLength = code & 0x1f;
        if (nameLength > Limits.MaxMethodNameLength || span.Length < at + 1 + nameLength) return false;
        var method = _methods.Get(span.Slice(at + 1, nameLength));
        if (method is null) return false;
        frame = new Frame(FrameKind.Request, msgId, method, memory[(at + 1 + nameLength)..], default, offset);
        return true;
    }

    private static uint ReadMsgId(ref MessagePackReader reader, long offset)
    {
        if (reader.NextMessagePackType != MessagePackType.Integer)
            throw Violation(ProtocolViolationReason.InvalidMsgId, offset, $"msgid is {reader.NextMessagePackType}, not an unsigned integer");
        var id = reader.ReadInt64();
        if (id is < 0 or > uint.MaxValue)
            throw Violation(ProtocolViolationReason.InvalidMsgId, offset, $"msgid {id} does not fit 32 unsigned bits");
        return (uint)id;
    }

    private string ReadMethod(ref MessagePackReader reader, long offset)
    {
        // str or bin: other msgpack-rpc implementations send names as bin (see Utf8Name).
        if (!Utf8Name.IsNext(ref reader))
            throw Violation(ProtocolViolationReason.InvalidMethod, offset, $"method is {reader.NextMessagePackType}, not a string");
        var utf8 = Utf8Name.ReadBytes(ref reader)!.Value;
        if (utf8.Length > Limits.MaxMethodNameLength)
            throw Violation(ProtocolViolationReason.InvalidMethod, offset, $"method name of {utf8.Length} bytes exceeds {Limits.MaxMethodNameLength}");
        var span = utf8.IsSingleSegment ? utf8.FirstSpan : utf8.ToArray();
        return _methods.Get(span) ?? throw Violation(ProtocolViolationReason.InvalidMethod, offset, "method: " + Utf8Name.InvalidMessage(span.Length));
    }

    private static ReadOnlyMemory<byte> Element(in ReadOnlySequence<byte> bytes, ref MessagePackReader reader)
    {
        var start = reader.Position;
        reader.Skip();
        return AsMemory(bytes.Slice(start, reader.Position));
    }

    private static ReadOnlyMemory<byte> Remaining(in ReadOnlySequence<byte> bytes, ref MessagePackReader reader) =>
        AsMemory(bytes.Slice(reader.Position));

    private static ReadOnlyMemory<byte> AsMemory(in ReadOnlySequence<byte> slice) =>
        slice.IsSingleSegment ? slice.First : slice.ToArray();

    private static ProtocolViolationException Violation(ProtocolViolationReason reason, long offset, string message) =>
        new(reason, offset, message);
}
