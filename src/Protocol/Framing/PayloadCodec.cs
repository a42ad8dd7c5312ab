using System.Buffers;
using MessagePack;
using MessagePack.Formatters;

namespace UmhActors.Protocol.Framing;

/// <summary>Reads and writes single payload values, keeping the reflection-based standard resolver
/// out of reach of code paths NativeAOT helpers use.</summary>
internal static class PayloadCodec
{
    /// <summary>Options for explicit formatters: a resolver that resolves nothing, so no dynamic
    /// code is ever reached, hardened for untrusted data.</summary>
    public static readonly MessagePackSerializerOptions FormatterOptions =
        new MessagePackSerializerOptions(NoResolver.Instance).WithSecurity(MessagePackSecurity.UntrustedData);

    /// <summary>The standard resolver hardened for untrusted data; created on first use so helpers
    /// that never use it never root it.</summary>
    public static MessagePackSerializerOptions UntrustedStandard => StandardHolder.Options;

    public static T Read<T>(ReadOnlyMemory<byte> bytes, IMessagePackFormatter<T> formatter)
    {
        var reader = new MessagePackReader(bytes);
        return formatter.Deserialize(ref reader, FormatterOptions);
    }

    public static void Write<T>(ref MessagePackWriter writer, T value, IMessagePackFormatter<T> formatter) =>
        formatter.Serialize(ref writer, value, FormatterOptions);

    public static byte[] ToBytes<T>(T value, IMessagePackFormatter<T> formatter)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);
        formatter.Serialize(ref writer, value, FormatterOptions);
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    private static class StandardHolder
    {
        public static readonly MessagePackSerializerOptions Options =
            MessagePackSerializerOptions.Standard.WithSecurity(MessagePackSecurity.UntrustedData);
    }

    private sealed class NoResolver : IFormatterResolver
    {
        public static readonly NoResolver Instance = new();

        public IMessagePackFormatter<T>? GetFormatter<T>() => null;
    }
}
