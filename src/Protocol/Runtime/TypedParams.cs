using MessagePack;
using MessagePack.Formatters;
using UmhActors.Protocol.Control;
using UmhActors.Protocol.Framing;

namespace UmhActors.Protocol.Runtime;

/// <summary>Reads typed params, turning a shape mismatch into an InvalidParams error for the host
/// rather than a generic handler failure.</summary>
internal static class TypedParams
{
    public static T Read<T>(RequestContext context, IMessagePackFormatter<T> formatter)
    {
        try
        {
            return PayloadCodec.Read(context.Params, formatter);
        }
        catch (Exception e) when (e is MessagePackSerializationException or EndOfStreamException or OverflowException)
        {
            throw new RpcException(RpcErrorCodes.InvalidParams, $"params of {context.Method}: {e.Message}");
        }
    }
}
