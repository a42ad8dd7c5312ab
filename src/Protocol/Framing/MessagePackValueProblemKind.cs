namespace UmhActors.Protocol.Framing;

/// <summary>Why <see cref="MessagePackValueCheck.Check"/> rejected a value.</summary>
public enum MessagePackValueProblemKind
{
    /// <summary>There are no bytes at all, so not one value.</summary>
    Empty,

    /// <summary>The bytes end before the value does: a header, a body or a collection's
    /// elements are cut off.</summary>
    Truncated,

    /// <summary>The value is whole but more bytes follow it;
    /// <see cref="MessagePackValueProblem.Length"/> says how many.</summary>
    TrailingBytes,

    /// <summary>A value starts with code <c>0xc1</c>, which MessagePack never uses.</summary>
    UnusedCode,

    /// <summary>A string, binary or extension value declares more than
    /// <see cref="DecoderLimits.MaxStringLength"/> bytes.</summary>
    StringTooLong,

    /// <summary>An array or map declares more than <see cref="DecoderLimits.MaxCollectionLength"/> entries.</summary>
    CollectionTooLong,

    /// <summary>Arrays and maps nest deeper than <see cref="DecoderLimits.MaxDepth"/>, counting
    /// the levels the caller said enclose the value.</summary>
    NestingTooDeep,
}
