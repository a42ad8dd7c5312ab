using System.Text;

namespace UmhActors.Native.Io;

/// <summary>
/// Splits a pipe (a helper's stderr) into lines on the reactor thread and hands each to a
/// callback. Lines longer than <see cref="MaxLineBytes"/> are cut there, so a helper cannot make
/// the host buffer without bound.
/// </summary>
public sealed class LineReader : IDisposable
{
    /// <summary>The longest line delivered whole; longer ones are split.</summary>
    public const int MaxLineBytes = 8192;

    private readonly PipeReadEnd _input;
    private readonly Action<string> _onLine;
    private readonly object _gate = new();
    private readonly byte[] _line = new byte[MaxLineBytes];
    private readonly byte[] _chunk = new byte[4096];
    private int _length;
    private bool _closed;

    /// <summary>Delivers each line of <paramref name="input"/> to <paramref name="onLine"/> (on the
    /// reactor thread: it must be quick and must not throw).</summary>
    public LineReader(PipeReadEnd input, Action<string> onLine)
    {
        _input = input;
        _onLine = onLine;
    }

    /// <summary>Starts reading.</summary>
    public void Start()
    {
        _input.ReadyCallback = OnReadable;
        OnReadable();
    }

    private void OnReadable()
    {
        lock (_gate)
        {
            while (!_closed)
            {
                int count;
                try
                {
                    if (!_input.TryRead(_chunk, out count)) return;
                }
                catch (Exception e) when (e is NativeCallException or ObjectDisposedException)
                {
                    count = 0;
                }
                if (count == 0)
                {
                    if (_length > 0) Emit();
                    _closed = true;
                    _input.ReadyCallback = null;
                    return;
                }
                foreach (var b in _chunk.AsSpan(0, count))
                {
                    if (b == (byte)'\n')
                    {
                        Emit();
                        continue;
                    }
                    if (_length == MaxLineBytes) Emit();
                    _line[_length++] = b;
                }
            }
        }
    }

    private void Emit()
    {
        var text = Encoding.UTF8.GetString(_line, 0, _length).TrimEnd('\r');
        _length = 0;
        _onLine(text);
    }

    /// <summary>Stops delivering lines.</summary>
    public void Dispose()
    {
        _input.ReadyCallback = null;
        lock (_gate) _closed = true;
    }
}
