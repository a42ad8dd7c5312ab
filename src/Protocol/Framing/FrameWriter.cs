using System.Buffers;
using MessagePack;
using MessagePack.Formatters;
using UmhActors.Protocol.Control;

namespace UmhActors.Protocol.Framing;

/// <summary>
/// Encodes frames into an <see cref="IBufferWriter{T}"/>, so any number of frames can be queued in
/// one buffer and written with one system call.
/// </summary>
/// <remarks>Raw overloads take exactly one already-encoded MessagePack value; it is copied as is
/// and not validated. Typed overloads always take their options or formatter explicitly, so a
/// <c>byte[]</c> of encoded params can never silently bind to the typed overload and be written
/// as a binary value. By msgpack-rpc convention params are an array of positional arguments.</remarks>
public static class FrameWriter
{
    /// <summary>Writes <c>[0, msgId, method, params]</c> with raw params.</summary>
    public static void WriteRequest(IBufferWriter<byte> output, uint msgId, string method, ReadOnlySpan<byte> rawParams)
    {
        var writer = Begin(output, FrameKind.Request, msgId, method);
        writer.WriteRaw(rawParams);
        writer.Flush();
    }

    /// <summary>Writes <c>[0, msgId, method, params]</c>, serializing <paramref name="params"/> with
    /// <paramref name="options"/> (host side: resolvers such as the standard one are not NativeAOT-safe).</summary>
    public static void WriteRequest<T>(IBufferWriter<byte> output, uint msgId, string method, T @params, MessagePackSerializerOptions options)
    {
        var writer = Begin(output, FrameKind.Request, msgId, method);
        MessagePackSerializer.Serialize(ref writer, @params, options);
        writer.Flush();
    }

    /// <summary>Writes <c>[0, msgId, method, params]</c> with an explicit formatter: NativeAOT-safe.</summary>
    public static void WriteRequest<T>(IBufferWriter<byte> output, uint msgId, string method, T @params, IMessagePackFormatter<T> formatter)
    {
        var writer = Begin(output, FrameKind.Request, msgId, method);
        PayloadCodec.Write(ref writer, @params, formatter);
        writer.Flush();
    }

    /// <summary>Writes <c>[2, method, params]</c> with raw params.</summary>
    public static void WriteNotification(IBufferWriter<byte> output, string method, ReadOnlySpan<byte> rawParams)
    {
        var writer = Begin(output, FrameKind.Notification, 0, method);
        writer.WriteRaw(rawParams);
        writer.Flush();
    }

    /// <summary>Writes <c>[2, method, params]</c>; see <see cref="WriteRequest{T}(IBufferWriter{byte}, uint, string, T, MessagePackSerializerOptions)"/>.</summary>
    public static void WriteNotification<T>(IBufferWriter<byte> output, string method, T @params, MessagePackSerializerOptions options)
    {
        var writer = Begin(output, FrameKind.Notification, 0, method);
        MessagePackSerializer.Serialize(ref writer, @params, options);
        writer.Flush();
    }

    /// <summary>Writes <c>[2, method, params]</c> with an explicit formatter: NativeAOT-safe.</summary>
    public static void WriteNotification<T>(IBufferWriter<byte> output, string method, T @params, IMessagePackFormatter<T> formatter)
    {
        var writer = Begin(output, FrameKind.Notification, 0, method);
        PayloadCodec.Write(ref writer, @params, formatter);
        writer.Flush();
    }

    /// <summary>Writes a successful <c>[1, msgId, nil, result]</c> with a raw result.</summary>
    public static void WriteResponse(IBufferWriter<byte> output, uint msgId, ReadOnlySpan<byte> rawResult)
    {
        var writer = BeginResponse(output, msgId);
        writer.WriteNil();
        writer.WriteRaw(rawResult);
        writer.Flush();
    }

    /// <summary>Writes a successful <c>[1, msgId, nil, result]</c>; see <see cref="WriteRequest{T}(IBufferWriter{byte}, uint, string, T, MessagePackSerializerOptions)"/>.</summary>
    public static void WriteResponse<T>(IBufferWriter<byte> output, uint msgId, T result, MessagePackSerializerOptions options)
    {
        var writer = BeginResponse(output, msgId);
        writer.WriteNil();
        MessagePackSerializer.Serialize(ref writer, result, options);
        writer.Flush();
    }

    /// <summary>Writes a successful <c>[1, msgId, nil, result]</c> with an explicit formatter: NativeAOT-safe.</summary>
    public static void WriteResponse<T>(IBufferWriter<byte> output, uint msgId, T result, IMessagePackFormatter<T> formatter)
    {
        var writer = BeginResponse(output, msgId);
        writer.WriteNil();
        PayloadCodec.Write(ref writer, result, formatter);
        writer.Flush();
    }

    /// <summary>Writes a failed <c>[1, msgId, {"code": c, "message": m}, nil]</c>.</summary>
    public static void WriteErrorResponse(IBufferWriter<byte> output, uint msgId, RpcError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        var writer = BeginResponse(output, msgId);
        error.WriteTo(ref writer);
        writer.WriteNil();
        writer.Flush();
    }

    internal static MessagePackWriter Begin(IBufferWriter<byte> output, FrameKind kind, uint msgId, string method)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(method);
        var writer = new MessagePackWriter(output);
        writer.WriteArrayHeader(kind == FrameKind.Notification ? 3 : 4);
        writer.Write((byte)kind);
        if (kind != FrameKind.Notification) writer.Write(msgId);
        writer.Write(method);
        return writer;
    }

    internal static MessagePackWriter BeginResponse(IBufferWriter<byte> output, uint msgId)
    {
        ArgumentNullException.ThrowIfNull(output);
        var writer = new MessagePackWriter(output);
        writer.WriteArrayHeader(4);
        writer.Write((byte)FrameKind.Response);
        writer.Write(msgId);
        return writer;
    }
}
