namespace UmhActors.Protocol;

/// <summary>Why a peer's bytes were rejected. Supervisors classify on this instead of parsing messages.</summary>
public enum ProtocolViolationReason
{
    /// <summary>The bytes are not valid MessagePack (for example the never-used code <c>0xc1</c>).</summary>
    Malformed,

    /// <summary>The stream ended in the middle of a frame.</summary>
    TruncatedAtEndOfStream,

    /// <summary>Valid MessagePack, but not a frame: not an array, or an array of the wrong length.</summary>
    WrongShape,

    /// <summary>The first element of the frame is not 0 (request), 1 (response) or 2 (notification).</summary>
    UnknownKind,

    /// <summary>The msgid is not an unsigned integer that fits 32 bits.</summary>
    InvalidMsgId,

    /// <summary>The method is neither str nor bin, is not valid UTF-8, or is longer than
    /// <see cref="Framing.DecoderLimits.MaxMethodNameLength"/> bytes.</summary>
    InvalidMethod,

    /// <summary>The frame is, or declares itself, larger than <see cref="Framing.DecoderLimits.MaxFrameSize"/>.</summary>
    FrameTooLarge,

    /// <summary>A string, binary or extension value declares more than <see cref="Framing.DecoderLimits.MaxStringLength"/> bytes.</summary>
    StringTooLong,

    /// <summary>An array or map declares more than <see cref="Framing.DecoderLimits.MaxCollectionLength"/> entries.</summary>
    CollectionTooLong,

    /// <summary>Arrays and maps nest deeper than <see cref="Framing.DecoderLimits.MaxDepth"/>.</summary>
    NestingTooDeep,

    /// <summary>A well-formed frame of a reserved <c>$/</c> method whose params have the wrong shape.</summary>
    InvalidControlPayload,

    /// <summary>The peer speaks a protocol version this side does not support.</summary>
    VersionMismatch,

    /// <summary>A frame that is valid on its own but not allowed at this point (for example a request before <c>$/hello</c>).</summary>
    UnexpectedFrame,
}
