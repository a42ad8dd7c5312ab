using UmhActors.Native.Handles;
using Tmds.Linux;
using static Tmds.Linux.LibC;

namespace UmhActors.Native.Io;

/// <summary>
/// The host's non-blocking write end of a helper's stdin pipe. A full pipe makes writes wait
/// through the reactor instead of blocking a thread.
/// </summary>
/// <remarks>
/// Writability is watched one-shot and only after a write found the pipe full: a pipe's write
/// end turns writable each time the helper reads, and waking the reactor for every request the
/// helper reads would cost a context switch per request for nothing.
/// </remarks>
public sealed class PipeWriteEnd : PipeEnd
{
    internal PipeWriteEnd(PipeEndHandle handle, Reactor reactor) : base(handle, reactor, (uint)(EPOLLOUT | EPOLLET | EPOLLONESHOT))
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
            if (n >= 0) return (int)n;
            // Full: watch for the next writable edge; a waiter compares versions, so an edge
            // that comes before it waits is not lost.
            Rearm();
            return 0;
        }
    }
}
