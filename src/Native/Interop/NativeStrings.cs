using System.Runtime.InteropServices;
using System.Text;

namespace UmhActors.Native.Interop;

/// <summary>
/// UTF-8, NUL-terminated strings and NULL-terminated string arrays in native memory for one
/// call (argv, envp, paths), all freed together on dispose.
/// </summary>
internal sealed unsafe class NativeStrings : IDisposable
{
    private readonly List<nint> _allocations = [];

    public byte* Add(string value)
    {
        if (value.Contains('\0')) throw new ArgumentException($"'{value}' contains NUL", nameof(value));
        var length = Encoding.UTF8.GetByteCount(value);
        var p = (byte*)NativeMemory.Alloc((nuint)length + 1);
        _allocations.Add((nint)p);
        Encoding.UTF8.GetBytes(value, new Span<byte>(p, length));
        p[length] = 0;
        return p;
    }

    public byte** AddArray(IReadOnlyCollection<string> values)
    {
        var array = (byte**)NativeMemory.Alloc((nuint)(values.Count + 1), (nuint)sizeof(byte*));
        _allocations.Add((nint)array);
        var i = 0;
        foreach (var v in values) array[i++] = Add(v);
        array[i] = null;
        return array;
    }

    public void Dispose()
    {
        foreach (var p in _allocations) NativeMemory.Free((void*)p);
        _allocations.Clear();
    }
}
