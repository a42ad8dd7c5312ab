using UmhActors.Native.Handles;
using Tmds.Linux;
using static Tmds.Linux.LibC;

namespace UmhActors.Native.Io;

/// <summary>
/// The host's non-blocking write end of a helper's stdin pipe. A full pipe makes writes wait
/// through the reactor instead of blocking a thread.
/// </summary>
public sealed class PipeWriteEnd : PipeEnd
{
    internal PipeWriteEnd(PipeEndHandle handle, Reactor reactor) : base(handle, reactor, (uint)(EPOLLOUT | EPOLLET))
    {
    }

    /// <summary>Writes all of <paramref name="data"/>, waiting while the pipe is full.</summary>
    /// <exception cref="NativeCallException">write failed; <c>EPIPE</c> means the helper closed
    /// its stdin or exited.</exception>
    public async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        while (!data.IsEmpty)
        {
            var seen = Ready.Version;
            var written = TryWrite(data.Span);
            data = data[written..];
            if (written == 0)
                await Ready.WaitAsync(seen, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Writes what fits now and returns the count (0 when the pipe is full).</summary>
    public unsafe int TryWrite(ReadOnlySpan<byte> data)
    {
        fixed (byte* p = data)
        {
            var n = Transfer("write", ((nint)p, data.Length), static (fd, b) => write(fd, (void*)b.Item1, (size_t)b.Item2));
            return (int)Math.Max(n, 0);
        }
    }
}
