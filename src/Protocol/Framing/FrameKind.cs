namespace UmhActors.Protocol.Framing;

/// <summary>The three msgpack-rpc message types; the value is the first element of the frame array.</summary>
public enum FrameKind : byte
{
    /// <summary><c>[0, msgid, method, params]</c>: expects exactly one response with the same msgid.</summary>
    Request = 0,

    /// <summary><c>[1, msgid, error, result]</c>: answers the request with the same msgid.</summary>
    Response = 1,

    /// <summary><c>[2, method, params]</c>: fire and forget.</summary>
    Notification = 2,
}
