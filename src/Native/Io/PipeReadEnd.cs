using UmhActors.Native.Handles;
using Tmds.Linux;
using static Tmds.Linux.LibC;

namespace UmhActors.Native.Io;

/// <summary>
/// The host's non-blocking read end of a helper pipe (its stdout or stderr). Reads complete
/// through the reactor; no thread blocks while the helper is silent.
/// </summary>
public sealed class PipeReadEnd : PipeEnd
{
    internal PipeReadEnd(PipeEndHandle handle, Reactor reactor) : base(handle, reactor, (uint)(EPOLLIN | EPOLLRDHUP | EPOLLET))
    {
    }

    /// <summary>
    /// Reads up to <paramref name="buffer"/>.Length bytes; returns 0 at end of stream (the helper
    /// closed its end or exited). Waits without blocking a thread when nothing is available.
    /// </summary>
    /// <exception cref="NativeCallException">read failed.</exception>
    /// <exception cref="ObjectDisposedException">The read end was disposed.</exception>
    public async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            var seen = Ready.Version;
            if (TryRead(buffer.Span, out var count)) return count;
            await Ready.WaitAsync(seen, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Reads what is available now: false when the pipe is empty (<c>EAGAIN</c>).</summary>
    public unsafe bool TryRead(Span<byte> buffer, out int count)
    {
        fixed (byte* p = buffer)
        {
            var n = Transfer("read", ((nint)p, buffer.Length), static (fd, b) => read(fd, (void*)b.Item1, (size_t)b.Item2));
            count = (int)Math.Max(n, 0);
            return n >= 0;
        }
    }

    /// <summary>Reads until end of stream and returns everything read.</summary>
    public async Task<byte[]> ReadToEndAsync(CancellationToken cancellationToken = default)
    {
        var all = new MemoryStream();
        var buffer = new byte[16 * 1024];
        int n;
        while ((n = await ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            all.Write(buffer, 0, n);
        return all.ToArray();
    }
}
