namespace UmhActors.Protocol.Control;

/// <summary>Well-known <see cref="RpcError.Code"/> values (JSON-RPC's numbering where one exists).
/// Applications may use any other code.</summary>
public static class RpcErrorCodes
{
    /// <summary>The error was not the documented map (for example a bare string from another msgpack-rpc library).</summary>
    public const int Unknown = -32099;

    /// <summary>The helper has no handler for the method.</summary>
    public const int MethodNotFound = -32601;

    /// <summary>The params could not be read as the handler expects.</summary>
    public const int InvalidParams = -32602;

    /// <summary>The handler failed (threw).</summary>
    public const int HandlerFailed = -32000;

    /// <summary>The helper is shutting down and takes no new requests.</summary>
    public const int ShuttingDown = -32001;

    /// <summary>The request was cancelled by <c>$/cancel</c>.</summary>
    public const int RequestCancelled = -32800;
}
