using MessagePack.Formatters;

namespace UmhActors.Protocol.Runtime;

/// <summary>
/// MessagePack's own formatters for primitives, strings and their arrays and lists, found by a plain
/// type lookup. (MessagePack's <c>BuiltinResolver</c> covers the same types but reaches
/// <c>MakeGenericType</c> for the rest, which NativeAOT cannot compile.)
/// </summary>
internal static class PrimitiveFormatters
{
    private static readonly Dictionary<Type, object> s_formatters = new()
    {
        [typeof(bool)] = BooleanFormatter.Instance,
        [typeof(byte)] = ByteFormatter.Instance,
        [typeof(sbyte)] = SByteFormatter.Instance,
        [typeof(short)] = Int16Formatter.Instance,
        [typeof(ushort)] = UInt16Formatter.Instance,
        [typeof(int)] = Int32Formatter.Instance,
        [typeof(uint)] = UInt32Formatter.Instance,
        [typeof(long)] = Int64Formatter.Instance,
        [typeof(ulong)] = UInt64Formatter.Instance,
        [typeof(float)] = SingleFormatter.Instance,
        [typeof(double)] = DoubleFormatter.Instance,
        [typeof(char)] = CharFormatter.Instance,
        [typeof(DateTime)] = DateTimeFormatter.Instance,
        [typeof(string)] = NullableStringFormatter.Instance,
        [typeof(byte[])] = ByteArrayFormatter.Instance,
        [typeof(bool?)] = NullableBooleanFormatter.Instance,
        [typeof(int?)] = NullableInt32Formatter.Instance,
        [typeof(long?)] = NullableInt64Formatter.Instance,
        [typeof(double?)] = NullableDoubleFormatter.Instance,
        [typeof(bool[])] = BooleanArrayFormatter.Instance,
        [typeof(short[])] = Int16ArrayFormatter.Instance,
        [typeof(int[])] = Int32ArrayFormatter.Instance,
        [typeof(long[])] = Int64ArrayFormatter.Instance,
        [typeof(float[])] = SingleArrayFormatter.Instance,
        [typeof(double[])] = DoubleArrayFormatter.Instance,
        [typeof(string[])] = NullableStringArrayFormatter.Instance,
        [typeof(List<int>)] = new ListFormatter<int>(),
        [typeof(List<long>)] = new ListFormatter<long>(),
        [typeof(List<double>)] = new ListFormatter<double>(),
        [typeof(List<string>)] = new ListFormatter<string>(),
        [typeof(Dictionary<string, string>)] = new StringKeyedMapFormatter<string>(),
        [typeof(Dictionary<string, int>)] = new StringKeyedMapFormatter<int>(),
        [typeof(Dictionary<string, long>)] = new StringKeyedMapFormatter<long>(),
        [typeof(Dictionary<string, double>)] = new StringKeyedMapFormatter<double>(),
        [typeof(Dictionary<string, bool>)] = new StringKeyedMapFormatter<bool>(),
        [typeof(Dictionary<string, byte[]>)] = new StringKeyedMapFormatter<byte[]>(),
    };

    public static IMessagePackFormatter<T>? Get<T>() => s_formatters.TryGetValue(typeof(T), out var formatter) ? (IMessagePackFormatter<T>)formatter : null;
}
