namespace UmhActors.Protocol.Runtime;

/// <summary>What a handler gets for one request or notification from the host.</summary>
public sealed class RequestContext
{
    internal RequestContext(HelperRuntime runtime, uint msgId, string method, ReadOnlyMemory<byte> @params, bool isNotification, CancellationToken cancellationToken)
    {
        Runtime = runtime;
        MsgId = msgId;
        Method = method;
        Params = @params;
        IsNotification = isNotification;
        CancellationToken = cancellationToken;
    }

    /// <summary>The runtime, for sending notifications and logs while handling.</summary>
    public HelperRuntime Runtime { get; }

    /// <summary>The request's msgid; 0 for a notification.</summary>
    public uint MsgId { get; }

    /// <summary>The method name.</summary>
    public string Method { get; }

    /// <summary>The raw MessagePack params, owned by this context.</summary>
    public ReadOnlyMemory<byte> Params { get; }

    /// <summary>True for a notification (no response will be sent).</summary>
    public bool IsNotification { get; }

    /// <summary>Cancelled when the host sends <c>$/cancel</c> for this msgid, or stdin reaches EOF.
    /// Callbacks registered on it run on the thread pool, never on the thread reading stdin.</summary>
    public CancellationToken CancellationToken { get; }
}
