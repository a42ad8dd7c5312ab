namespace UmhActors.Protocol.Runtime;

/// <summary>Thrown by a handler to fail its request with a chosen error code. Any other exception
/// fails the request with <see cref="Control.RpcErrorCodes.HandlerFailed"/> and its message.</summary>
public sealed class RpcException : Exception
{
    /// <summary>Fails the request with <paramref name="code"/> and <paramref name="message"/>.</summary>
    public RpcException(int code, string message) : base(message) => Code = code;

    /// <summary>The error code sent to the host.</summary>
    public int Code { get; }
}
