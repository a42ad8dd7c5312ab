using MessagePack;
using MessagePack.Formatters;

namespace UmhActors.TestHelper.Contracts;

/// <summary>A typed record shared by the test helper and the tests (the file is linked into both):
/// it crosses the pipe through <see cref="ThumbnailFormatter"/>, a hand-written formatter, as a
/// NativeAOT helper's user types must.</summary>
public sealed record Thumbnail(string Name, int Width, int Height, string[] Tags, Dictionary<string, long> Sizes);

/// <summary>Writes a <see cref="Thumbnail"/> as the array <c>[name, width, height, tags, sizes]</c>.</summary>
public sealed class ThumbnailFormatter : IMessagePackFormatter<Thumbnail>
{
    public void Serialize(ref MessagePackWriter writer, Thumbnail value, MessagePackSerializerOptions options)
    {
        writer.WriteArrayHeader(5);
        writer.Write(value.Name);
        writer.Write(value.Width);
        writer.Write(value.Height);
        options.Resolver.GetFormatterWithVerify<string[]>().Serialize(ref writer, value.Tags, options);
        options.Resolver.GetFormatterWithVerify<Dictionary<string, long>>().Serialize(ref writer, value.Sizes, options);
    }

    public Thumbnail Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options)
    {
        if (reader.ReadArrayHeader() != 5) throw new MessagePackSerializationException("a Thumbnail is an array of 5");
        var name = reader.ReadString() ?? throw new MessagePackSerializationException("a Thumbnail needs a name");
        var width = reader.ReadInt32();
        var height = reader.ReadInt32();
        var tags = options.Resolver.GetFormatterWithVerify<string[]>().Deserialize(ref reader, options);
        var sizes = options.Resolver.GetFormatterWithVerify<Dictionary<string, long>>().Deserialize(ref reader, options);
        return new Thumbnail(name, width, height, tags, sizes);
    }
}
