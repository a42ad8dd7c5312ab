using MessagePack;
using MessagePack.Formatters;

namespace UmhActors.Protocol.Runtime;

/// <summary>A map with string keys, NativeAOT-safe: MessagePack's <c>DictionaryFormatter</c> asks
/// <see cref="MessagePackSecurity"/> for a key comparer whose fallback uses <c>MakeGenericMethod</c>.
/// .NET's string hashing is already randomized per process, so keys chosen by a peer cannot flood
/// one bucket. Nesting depth is still limited by the options' security.</summary>
internal sealed class StringKeyedMapFormatter<TValue> : IMessagePackFormatter<Dictionary<string, TValue>?>
{
    public void Serialize(ref MessagePackWriter writer, Dictionary<string, TValue>? value, MessagePackSerializerOptions options)
    {
        if (value is null)
        {
            writer.WriteNil();
            return;
        }
        var values = options.Resolver.GetFormatterWithVerify<TValue>();
        writer.WriteMapHeader(value.Count);
        foreach (var (key, item) in value)
        {
            writer.Write(key);
            values.Serialize(ref writer, item, options);
        }
    }

    public Dictionary<string, TValue>? Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options)
    {
        if (reader.TryReadNil()) return null;
        var values = options.Resolver.GetFormatterWithVerify<TValue>();
        var count = reader.ReadMapHeader();
        options.Security.DepthStep(ref reader);
        try
        {
            // No capacity from the peer's count: it may claim more entries than it sends.
            var map = new Dictionary<string, TValue>(StringComparer.Ordinal);
            for (var i = 0; i < count; i++)
            {
                var key = reader.ReadString() ?? throw new MessagePackSerializationException("a map key is nil");
                map[key] = values.Deserialize(ref reader, options);
            }
            return map;
        }
        finally
        {
            reader.Depth--;
        }
    }
}
