using System.Buffers;
using MessagePack;

namespace UmhActors.TestHelper;

/// <summary>Positional params in, encoded results out, without any resolver (NativeAOT-clean).</summary>
internal static class Args
{
    public static long Int(ReadOnlyMemory<byte> @params, int index)
    {
        var reader = At(@params, index);
        return reader.ReadInt64();
    }

    public static string Text(ReadOnlyMemory<byte> @params, int index)
    {
        var reader = At(@params, index);
        return reader.ReadString() ?? "";
    }

    public static byte[] Encode(long value) => Write((ref MessagePackWriter w) => w.Write(value));

    /// <summary>Notification params: the one-element array <c>[value]</c>.</summary>
    public static byte[] Params(long value) => Write((ref MessagePackWriter w) =>
    {
        w.WriteArrayHeader(1);
        w.Write(value);
    });

    /// <summary>$/log params <c>[level, message, {}]</c> with the level as free text.</summary>
    public static byte[] LogParams(string level, string message) => Write((ref MessagePackWriter w) =>
    {
        w.WriteArrayHeader(3);
        w.Write(level);
        w.Write(message);
        w.WriteMapHeader(0);
    });

    public static byte[] Encode(string value) => Write((ref MessagePackWriter w) => w.Write(value));

    public static readonly byte[] Nil = [0xc0];

    private delegate void Writer(ref MessagePackWriter writer);

    private static byte[] Write(Writer write)
    {
        var buffer = new ArrayBufferWriter<byte>(16);
        var writer = new MessagePackWriter(buffer);
        write(ref writer);
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    private static MessagePackReader At(ReadOnlyMemory<byte> @params, int index)
    {
        var reader = new MessagePackReader(@params);
        var count = reader.ReadArrayHeader();
        if (index >= count) throw new ArgumentException($"expected at least {index + 1} params, got {count}");
        for (var i = 0; i < index; i++) reader.Skip();
        return reader;
    }
}
