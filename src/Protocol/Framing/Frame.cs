using MessagePack;
using MessagePack.Formatters;
using UmhActors.Protocol.Control;

namespace UmhActors.Protocol.Framing;

/// <summary>
/// One decoded frame. Payloads are raw MessagePack (exactly one value each) so the caller decides
/// whether and how to deserialize them.
/// </summary>
/// <remarks>Frames from <see cref="FrameDecoder"/> may borrow the decoder's input buffer: call
/// <see cref="Detach"/> before keeping one past the next read.</remarks>
public readonly struct Frame
{
    private static readonly byte[] NilBytes = [0xc0];
    private readonly ReadOnlyMemory<byte> _payload;
    private readonly ReadOnlyMemory<byte> _error;

    internal Frame(FrameKind kind, uint msgId, string method, ReadOnlyMemory<byte> payload, ReadOnlyMemory<byte> error, long byteOffset)
    {
        Kind = kind;
        MsgId = msgId;
        Method = method;
        _payload = payload;
        _error = error;
        ByteOffset = byteOffset;
    }

    /// <summary>Request, response or notification.</summary>
    public FrameKind Kind { get; }

    /// <summary>The request id correlating a request with its response; 0 for notifications.</summary>
    public uint MsgId { get; }

    /// <summary>The method of a request or notification; empty for responses. Repeated names are
    /// the same string instance.</summary>
    public string Method { get; }

    /// <summary>Offset of the frame's first byte in the decoded stream.</summary>
    public long ByteOffset { get; }

    /// <summary>The params of a request or notification (by convention an array); empty for responses.</summary>
    public ReadOnlyMemory<byte> Params => Kind == FrameKind.Response ? default : _payload;

    /// <summary>The result of a response (<c>nil</c> when it failed); empty for requests and notifications.</summary>
    public ReadOnlyMemory<byte> Result => Kind == FrameKind.Response ? _payload : default;

    /// <summary>The error of a response, <c>nil</c> (<c>0xc0</c>) when it succeeded; empty for other kinds.</summary>
    public ReadOnlyMemory<byte> Error => _error;

    /// <summary>True for a response whose error is not <c>nil</c>.</summary>
    public bool IsError => Kind == FrameKind.Response && !(_error.Length == 1 && _error.Span[0] == 0xc0);

    /// <summary>True when <see cref="Method"/> is a reserved <c>$/</c> control method.</summary>
    public bool IsControl => ControlMethods.IsControl(Method);

    /// <summary>A copy of this frame that owns its payloads, safe to keep after the input buffer is reused.</summary>
    public Frame Detach() => new(Kind, MsgId, Method, _payload.ToArray(),
        _error.Length == 1 && _error.Span[0] == 0xc0 ? NilBytes : _error.ToArray(), ByteOffset);

    /// <summary>Deserializes <see cref="Params"/> with the standard resolver (or <paramref name="options"/>),
    /// hardened with <see cref="MessagePackSecurity.UntrustedData"/>. Host side: not for NativeAOT helpers.</summary>
    /// <exception cref="MessagePackSerializationException">The params do not fit <typeparamref name="T"/>.</exception>
    public T GetParams<T>(MessagePackSerializerOptions? options = null) => Deserialize<T>(Params, options);

    /// <summary>Deserializes <see cref="Result"/>; see <see cref="GetParams{T}(MessagePackSerializerOptions?)"/>.</summary>
    public T GetResult<T>(MessagePackSerializerOptions? options = null) => Deserialize<T>(Result, options);

    /// <summary>Deserializes <see cref="Params"/> with an explicit formatter: trim- and AOT-safe.</summary>
    public T GetParams<T>(IMessagePackFormatter<T> formatter) => PayloadCodec.Read(Params, formatter);

    /// <summary>Deserializes <see cref="Result"/> with an explicit formatter: trim- and AOT-safe.</summary>
    public T GetResult<T>(IMessagePackFormatter<T> formatter) => PayloadCodec.Read(Result, formatter);

    /// <summary>The response's error as an <see cref="RpcError"/>, or null when it succeeded.
    /// Errors that are not the documented map (a bare string from another msgpack-rpc library) are
    /// converted rather than rejected.</summary>
    public RpcError? GetError() => IsError ? RpcError.Parse(_error) : null;

    /// <inheritdoc/>
    public override string ToString() => Kind switch
    {
        FrameKind.Request => $"request #{MsgId} {Method} ({_payload.Length} bytes)",
        FrameKind.Response => $"response #{MsgId} {(IsError ? "error" : "ok")} ({_payload.Length} bytes)",
        _ => $"notification {Method} ({_payload.Length} bytes)",
    };

    private static T Deserialize<T>(ReadOnlyMemory<byte> bytes, MessagePackSerializerOptions? options) =>
        MessagePackSerializer.Deserialize<T>(bytes, options ?? PayloadCodec.UntrustedStandard);
}
