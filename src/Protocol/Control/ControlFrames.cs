using System.Buffers;
using MessagePack;
using UmhActors.Protocol.Framing;

namespace UmhActors.Protocol.Control;

/// <summary>
/// Builds and parses the <c>$/</c> control frames (shapes in docs/protocol.md). Writers serve both
/// ends; parsers throw <see cref="ProtocolViolationException"/> with
/// <see cref="ProtocolViolationReason.InvalidControlPayload"/> for params of the wrong shape.
/// NativeAOT-safe: no resolvers are involved.
/// </summary>
public static class ControlFrames
{
    private static readonly byte[] EmptyArray = [0x90];

    /// <summary>Writes <c>[2, "$/hello", [version, name, pid, capabilities]]</c>.</summary>
    public static void WriteHello(IBufferWriter<byte> output, HelloMessage hello)
    {
        ArgumentNullException.ThrowIfNull(hello);
        var writer = FrameWriter.Begin(output, FrameKind.Notification, 0, ControlMethods.Hello);
        writer.WriteArrayHeader(4);
        writer.Write(hello.ProtocolVersion);
        writer.Write(hello.Name);
        writer.Write(hello.Pid);
        writer.WriteArrayHeader(hello.Capabilities.Count);
        foreach (var capability in hello.Capabilities) writer.Write(capability);
        writer.Flush();
    }

    /// <summary>Reads the params of a <c>$/hello</c> frame. Extra trailing elements are ignored so
    /// later versions can add fields. The name and capabilities may be str or bin, and must be UTF-8.</summary>
    public static HelloMessage ReadHello(in Frame frame) => ReadParams(frame, ControlMethods.Hello, 4, static (ref MessagePackReader reader, in Frame frame) =>
    {
        var version = reader.ReadInt32();
        var name = Utf8Name.Read(ref reader) ?? throw Invalid(frame, "helper name is nil");
        var pid = reader.ReadInt32();
        var capabilityCount = reader.ReadArrayHeader();
        var capabilities = new List<string>(Math.Min(capabilityCount, 64));
        for (var i = 0; i < capabilityCount; i++)
            capabilities.Add(Utf8Name.Read(ref reader) ?? throw Invalid(frame, "capability is nil"));
        return new HelloMessage(version, name, pid, capabilities);
    });

    /// <summary>Writes the notification <c>[2, "$/ping", [token]]</c>; the helper answers with <c>$/pong</c>.</summary>
    public static void WritePing(IBufferWriter<byte> output, ulong token) => WriteToken(output, ControlMethods.Ping, token);

    /// <summary>Writes the request <c>[0, msgId, "$/ping", [token]]</c>; the helper answers with a
    /// response whose result is the token.</summary>
    public static void WritePingRequest(IBufferWriter<byte> output, uint msgId, ulong token)
    {
        var writer = FrameWriter.Begin(output, FrameKind.Request, msgId, ControlMethods.Ping);
        writer.WriteArrayHeader(1);
        writer.Write(token);
        writer.Flush();
    }

    /// <summary>Writes the notification <c>[2, "$/pong", [token]]</c>.</summary>
    public static void WritePong(IBufferWriter<byte> output, ulong token) => WriteToken(output, ControlMethods.Pong, token);

    /// <summary>Writes <c>[1, msgId, nil, token]</c>, the answer to a <c>$/ping</c> request.</summary>
    public static void WritePongResponse(IBufferWriter<byte> output, uint msgId, ulong token)
    {
        var writer = FrameWriter.BeginResponse(output, msgId);
        writer.WriteNil();
        writer.Write(token);
        writer.Flush();
    }

    /// <summary>The token of a <c>$/ping</c> or <c>$/pong</c> frame (request, notification), or the
    /// result of the response to a <c>$/ping</c> request.</summary>
    public static ulong ReadToken(in Frame frame)
    {
        try
        {
            if (frame.Kind == FrameKind.Response)
            {
                var result = new MessagePackReader(frame.Result);
                return result.ReadUInt64();
            }
            if (frame.Method is not (ControlMethods.Ping or ControlMethods.Pong))
                throw Invalid(frame, $"expected {ControlMethods.Ping} or {ControlMethods.Pong}, got {frame.Method}");
            var reader = new MessagePackReader(frame.Params);
            ReadParamsHeader(ref reader, 1, frame);
            return reader.ReadUInt64();
        }
        catch (Exception e) when (IsShapeError(e))
        {
            throw Invalid(frame, e.Message, e);
        }
    }

    /// <summary>Writes <c>[2, "$/cancel", [msgId]]</c>.</summary>
    public static void WriteCancel(IBufferWriter<byte> output, uint msgId)
    {
        var writer = FrameWriter.Begin(output, FrameKind.Notification, 0, ControlMethods.Cancel);
        writer.WriteArrayHeader(1);
        writer.Write(msgId);
        writer.Flush();
    }

    /// <summary>The msgid a <c>$/cancel</c> frame cancels.</summary>
    public static uint ReadCancel(in Frame frame) =>
        ReadParams(frame, ControlMethods.Cancel, 1, static (ref MessagePackReader reader, in Frame _) => reader.ReadUInt32());

    /// <summary>Writes <c>[2, "$/shutdown", []]</c>.</summary>
    public static void WriteShutdown(IBufferWriter<byte> output) =>
        FrameWriter.WriteNotification(output, ControlMethods.Shutdown, EmptyArray);

    /// <summary>Writes <c>[2, "$/log", [level, message, fields]]</c>. Field values that are not
    /// null, bool, an integer, a floating-point number, a string or byte[] are written as their
    /// <see cref="object.ToString"/>, called before anything is written: when it throws, the
    /// exception propagates and <paramref name="output"/> is left as it was.</summary>
    public static void WriteLog(IBufferWriter<byte> output, LogMessage log)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(log);
        // ToString() is user code: a throw mid-frame would leave a partial frame in the output.
        var fields = new List<KeyValuePair<string, object?>>(log.Fields.Count);
        foreach (var (key, value) in log.Fields) fields.Add(new(key, IsScalar(value) ? value : value!.ToString()));

        var writer = FrameWriter.Begin(output, FrameKind.Notification, 0, ControlMethods.Log);
        writer.WriteArrayHeader(3);
        writer.Write(LevelName(log.Level));
        writer.Write(log.Message);
        writer.WriteMapHeader(fields.Count);
        foreach (var (key, value) in fields)
        {
            writer.Write(key);
            WriteScalar(ref writer, value);
        }
        writer.Flush();
    }

    /// <summary>Reads the params of a <c>$/log</c> frame.</summary>
    public static LogMessage ReadLog(in Frame frame) => ReadParams(frame, ControlMethods.Log, 2, static (ref MessagePackReader reader, in Frame frame) =>
    {
        var level = ParseLevel(reader.ReadString());
        var message = reader.ReadString() ?? "";
        var fields = new Dictionary<string, object?>();
        if (!reader.End && !reader.TryReadNil())
        {
            var count = reader.ReadMapHeader();
            for (var i = 0; i < count; i++)
            {
                var key = reader.ReadString() ?? throw Invalid(frame, "field name is nil");
                fields[key] = ReadScalar(ref reader);
            }
        }
        return new LogMessage(level, message, fields);
    });

    /// <summary>The wire name of <paramref name="level"/>.</summary>
    public static string LevelName(HelperLogLevel level) => level switch
    {
        HelperLogLevel.Trace => "trace",
        HelperLogLevel.Debug => "debug",
        HelperLogLevel.Warn => "warn",
        HelperLogLevel.Error => "error",
        _ => "info",
    };

    private static HelperLogLevel ParseLevel(string? name) => name switch
    {
        "trace" => HelperLogLevel.Trace,
        "debug" => HelperLogLevel.Debug,
        "warn" or "warning" => HelperLogLevel.Warn,
        "error" => HelperLogLevel.Error,
        _ => HelperLogLevel.Info,
    };

    private static void WriteToken(IBufferWriter<byte> output, string method, ulong token)
    {
        var writer = FrameWriter.Begin(output, FrameKind.Notification, 0, method);
        writer.WriteArrayHeader(1);
        writer.Write(token);
        writer.Flush();
    }

    private static bool IsScalar(object? value) =>
        value is null or bool or string or byte[] or ulong or float or double or sbyte or byte or short or ushort or int or uint or long;

    private static void WriteScalar(ref MessagePackWriter writer, object? value)
    {
        switch (value)
        {
            case null: writer.WriteNil(); break;
            case bool b: writer.Write(b); break;
            case string s: writer.Write(s); break;
            case byte[] bytes: writer.Write(bytes); break;
            case ulong u: writer.Write(u); break;
            case float f: writer.Write(f); break;
            case double d: writer.Write(d); break;
            case sbyte or byte or short or ushort or int or uint or long: writer.Write(Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture)); break;
            default: throw new InvalidOperationException($"{value.GetType()} is not a scalar log field value");
        }
    }

    private static object? ReadScalar(ref MessagePackReader reader)
    {
        switch (reader.NextMessagePackType)
        {
            case MessagePackType.Nil: reader.ReadNil(); return null;
            case MessagePackType.Boolean: return reader.ReadBoolean();
            case MessagePackType.Integer:
                return reader.NextCode == MessagePackCode.UInt64 ? reader.ReadUInt64() : reader.ReadInt64();
            case MessagePackType.Float: return reader.ReadDouble();
            case MessagePackType.String: return reader.ReadString();
            case MessagePackType.Binary: return reader.ReadBytes()?.ToArray();
            default:
                var json = new StringWriter();
                MessagePackSerializer.ConvertToJson(ref reader, json, PayloadCodec.FormatterOptions);
                return json.ToString();
        }
    }

    private delegate T ParamsReader<T>(ref MessagePackReader reader, in Frame frame);

    /// <summary>Checks the method and that params are an array of at least <paramref name="atLeast"/>
    /// elements, then reads them; any MessagePack error becomes an InvalidControlPayload violation.</summary>
    private static T ReadParams<T>(in Frame frame, string method, int atLeast, ParamsReader<T> read)
    {
        Expect(frame, method);
        try
        {
            var reader = new MessagePackReader(frame.Params);
            ReadParamsHeader(ref reader, atLeast, frame);
            return read(ref reader, frame);
        }
        catch (Exception e) when (IsShapeError(e))
        {
            throw Invalid(frame, e.Message, e);
        }
    }

    private static int ReadParamsHeader(ref MessagePackReader reader, int atLeast, in Frame frame)
    {
        if (reader.NextMessagePackType != MessagePackType.Array)
            throw Invalid(frame, $"params are {reader.NextMessagePackType}, not an array");
        var count = reader.ReadArrayHeader();
        if (count < atLeast) throw Invalid(frame, $"params have {count} elements, need at least {atLeast}");
        return count;
    }

    private static void Expect(in Frame frame, string method)
    {
        if (frame.Kind == FrameKind.Response || frame.Method != method)
            throw Invalid(frame, $"expected {method}, got {frame}");
    }

    private static bool IsShapeError(Exception e) =>
        e is MessagePackSerializationException or EndOfStreamException or OverflowException or InvalidOperationException;

    private static ProtocolViolationException Invalid(in Frame frame, string message, Exception? inner = null) =>
        new(ProtocolViolationReason.InvalidControlPayload, frame.ByteOffset, message, inner);
}
