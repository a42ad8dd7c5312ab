namespace UmhActors.Requests;

/// <summary>The request's frame would exceed the frame-size limit, so it was not sent: a helper
/// treats an oversized frame as a protocol violation, which would cost every other request in
/// flight.</summary>
public sealed class HelperRequestTooLargeException : Exception
{
    /// <summary>Creates the exception.</summary>
    public HelperRequestTooLargeException(string helperName, string method, long frameBytes, int maxFrameBytes)
        : base($"request {method} to helper '{helperName}' needs a {frameBytes}-byte frame; the limit is {maxFrameBytes} bytes; not sent")
    {
        HelperName = helperName;
        Method = method;
        FrameBytes = frameBytes;
        MaxFrameBytes = maxFrameBytes;
    }

    /// <summary>The helper's name.</summary>
    public string HelperName { get; }

    /// <summary>The method called.</summary>
    public string Method { get; }

    /// <summary>The size the frame would have had (at least).</summary>
    public long FrameBytes { get; }

    /// <summary>The limit (<see cref="Helpers.HelperOptions.Limits"/>' <c>MaxFrameSize</c>).</summary>
    public int MaxFrameBytes { get; }
}
