using MessagePack;

namespace UmhActors.Protocol.Tests;

/// <summary>Encodes test values with the standard resolver (host side).</summary>
internal static class Pack
{
    public static byte[] Array(params object?[] values) => MessagePackSerializer.Serialize(values);

    public static byte[] Value<T>(T value) => MessagePackSerializer.Serialize(value);

    /// <summary>The value as JSON: compares payloads whatever integer widths each side chose.</summary>
    public static string Json(ReadOnlyMemory<byte> bytes) => MessagePackSerializer.ConvertToJson(bytes);

    public static T Read<T>(ReadOnlyMemory<byte> bytes) => MessagePackSerializer.Deserialize<T>(bytes);
}
