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
/// <remarks>The params walk is <see cref="MessagePackValueCheck"/>, the header rules the helper's
/// decoder applies: it reads headers only, so it costs a few nanoseconds for typical params and
/// stays linear in the number of values.</remarks>
internal static class RequestValidator
{
    /// <summary>The failure for <paramref name="request"/>, or null when it may be sent:
    /// <see cref="InvalidHelperRequestException"/> or <see cref="HelperRequestTooLargeException"/>.</summary>
    public static Exception? Check(HelperRequest request, string helperName, DecoderLimits limits)
    {
        var method = request.Method;
        if (method is null)
            return new InvalidHelperRequestException(helperName, null, HelperRequestProblem.MissingMethod, "the method is null");
        // Test faults pass: the helper itself refuses them unless it was launched in test mode.
        if (ControlMethods.IsControl(method) && !TestFaultMethods.IsTestFault(method))
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
        // collection opens level 2.
        var problem = MessagePackValueCheck.Check(bytes, limits, depthAlreadyUsed: 1);
        return problem?.Kind switch
        {
            null => null,
            MessagePackValueProblemKind.Empty => (HelperRequestProblem.MalformedParams, "the params are empty (not one MessagePack value)"),
            MessagePackValueProblemKind.Truncated => (HelperRequestProblem.MalformedParams, "the params end in the middle of a value"),
            MessagePackValueProblemKind.TrailingBytes => (HelperRequestProblem.MalformedParams, $"{problem.Length} bytes follow the params' one value"),
            MessagePackValueProblemKind.UnusedCode => (HelperRequestProblem.MalformedParams, $"code 0xc1 at byte {problem.Offset} is never used in MessagePack"),
            MessagePackValueProblemKind.StringTooLong => (HelperRequestProblem.StringTooLong, $"a value of {problem.Length} bytes; the limit is {limits.MaxStringLength}"),
            MessagePackValueProblemKind.CollectionTooLong => (HelperRequestProblem.CollectionTooLong, $"a collection of {problem.Length} entries; the limit is {limits.MaxCollectionLength}"),
            MessagePackValueProblemKind.NestingTooDeep => (HelperRequestProblem.NestingTooDeep, $"arrays and maps nest deeper than the helper's limit of {limits.MaxDepth} (the frame array counts as 1)"),
            _ => throw new InvalidOperationException($"unknown {nameof(MessagePackValueProblemKind)} {problem.Kind}"),
        };
    }
}
