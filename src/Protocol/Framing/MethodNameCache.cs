namespace UmhActors.Protocol.Framing;

/// <summary>
/// Maps the UTF-8 bytes of method names to one shared string each, so decoding the same few
/// method names over and over allocates nothing.
/// </summary>
/// <remarks>Bounded because the peer is untrusted: once full, unseen names are decoded into fresh
/// strings instead of growing the cache. Only valid UTF-8 is cached, so a hit needs no check.</remarks>
internal sealed class MethodNameCache
{
    private const int Capacity = 64;
    private readonly byte[][] _keys = new byte[Capacity][];
    private readonly string[] _values = new string[Capacity];
    private int _count;
    private int _last;

    /// <summary>The name <paramref name="utf8"/> spells, or null when it is not valid UTF-8.</summary>
    public string? Get(ReadOnlySpan<byte> utf8)
    {
        // Traffic is usually one method after another of the same name.
        if (_count > 0 && utf8.SequenceEqual(_keys[_last])) return _values[_last];
        for (var i = 0; i < _count; i++)
        {
            if (utf8.SequenceEqual(_keys[i]))
            {
                _last = i;
                return _values[i];
            }
        }

        if (Utf8Name.Decode(utf8) is not { } value) return null;
        if (_count < Capacity)
        {
            _keys[_count] = utf8.ToArray();
            _values[_count] = value;
            _last = _count++;
        }
        return value;
    }
}
