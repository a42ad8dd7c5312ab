namespace UmhActors.Requests;

/// <summary>What is wrong with a request that <see cref="InvalidHelperRequestException"/> rejected.
/// Each is something the helper would have treated as a protocol violation (killing every other
/// request in flight) or the host cannot honour.</summary>
public enum HelperRequestProblem
{
    /// <summary>The method is null or empty.</summary>
    MissingMethod,

    /// <summary>The method starts with <c>$/</c>, which is reserved for control methods.</summary>
    ReservedMethod,

    /// <summary>The method is longer than <see cref="Protocol.Framing.DecoderLimits.MaxMethodNameLength"/> UTF-8 bytes.</summary>
    MethodTooLong,

    /// <summary>The params are not exactly one well-formed MessagePack value.</summary>
    MalformedParams,

    /// <summary>A string, binary or extension value in the params is longer than <see cref="Protocol.Framing.DecoderLimits.MaxStringLength"/>.</summary>
    StringTooLong,

    /// <summary>An array or map in the params has more than <see cref="Protocol.Framing.DecoderLimits.MaxCollectionLength"/> entries.</summary>
    CollectionTooLong,

    /// <summary>Arrays and maps in the params nest deeper than <see cref="Protocol.Framing.DecoderLimits.MaxDepth"/>
    /// allows (the frame array counts as depth 1, so the params may open at most <c>MaxDepth - 1</c> levels).</summary>
    NestingTooDeep,

    /// <summary>The timeout is zero or negative (and not <see cref="System.Threading.Timeout.InfiniteTimeSpan"/>).</summary>
    InvalidTimeout,
}
