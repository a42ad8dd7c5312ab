using System.Text;
using MessagePack;
using UmhActors.Protocol.Framing;

namespace UmhActors.Protocol.Control;

/// <summary>The error of a failed response. On the wire a map <c>{"code": int, "message": str}</c>;
/// other keys are ignored when read, and keys and message are read as str or bin (UTF-8 either way),
/// as other msgpack-rpc implementations may send them.</summary>
/// <param name="Code">A <see cref="RpcErrorCodes"/> value or an application code.</param>
/// <param name="Message">Human-readable description.</param>
public sealed record RpcError(int Code, string Message)
{
    /// <summary>Writes the error map.</summary>
    public void WriteTo(ref MessagePackWriter writer)
    {
        writer.WriteMapHeader(2);
        writer.Write("code");
        writer.Write(Code);
        writer.Write("message");
        writer.Write(Message);
    }

    /// <summary>Reads an error value. A map gives its <c>code</c> and <c>message</c>; a str or bin
    /// becomes the message with <see cref="RpcErrorCodes.Unknown"/>; anything else becomes its JSON text.</summary>
    /// <exception cref="ProtocolViolationException">The bytes are not one MessagePack value, or the
    /// message is not valid UTF-8 (<see cref="ProtocolViolationReason.Malformed"/>).</exception>
    public static RpcError Parse(ReadOnlyMemory<byte> error)
    {
        try
        {
            var reader = new MessagePackReader(error);
            switch (reader.NextMessagePackType)
            {
                case MessagePackType.Map:
                    var code = RpcErrorCodes.Unknown;
                    var message = "";
                    var count = reader.ReadMapHeader();
                    for (var i = 0; i < count; i++)
                    {
                        var key = Utf8Name.IsNext(ref reader) ? Utf8Name.Read(ref reader) : null;
                        if (key is null) reader.Skip();
                        if (key == "code" && reader.NextMessagePackType == MessagePackType.Integer) code = reader.ReadInt32();
                        else if (key == "message" && Utf8Name.IsNext(ref reader)) message = Utf8Name.Read(ref reader) ?? "";
                        else reader.Skip();
                    }
                    return new RpcError(code, message);
                case MessagePackType.String or MessagePackType.Binary:
                    return new RpcError(RpcErrorCodes.Unknown, Utf8Name.Read(ref reader) ?? "");
                default:
                    var json = new StringWriter();
                    MessagePackSerializer.ConvertToJson(ref reader, json, PayloadCodec.FormatterOptions);
                    return new RpcError(RpcErrorCodes.Unknown, json.ToString());
            }
        }
        catch (Exception e) when (e is MessagePackSerializationException or EndOfStreamException or OverflowException)
        {
            throw new ProtocolViolationException(ProtocolViolationReason.Malformed, -1, "unreadable error object: " + e.Message, e);
        }
    }

    /// <summary>The error as <c>code: message</c>.</summary>
    public override string ToString() => new StringBuilder().Append(Code).Append(": ").Append(Message).ToString();
}
