using System.Runtime.InteropServices;
using UmhActors.Native.Handles;
using UmhActors.Native.Interop;
using Tmds.Linux;
using static Tmds.Linux.LibC;

namespace UmhActors.Native.Io;

/// <summary>
/// The host's non-blocking write end of a helper's stdin pipe. A full pipe makes writes wait
/// through the reactor instead of blocking a thread.
/// </summary>
public sealed class PipeWriteEnd : IDisposable, IReadinessHandler
{
    private readonly PipeEndHandle _handle;
    private readonly Reactor _reactor;
    private readonly ReadinessSignal _writable = new();
    private readonly ulong _token;

    internal PipeWriteEnd(PipeEndHandle handle, Reactor reactor)
    {
        _handle = handle;
        _reactor = reactor;
        _token = reactor.Register(handle, (uint)(EPOLLOUT | EPOLLET), this);
    }

    /// <summary>The descriptor number (for diagnostics and tests).</summary>
    public int Fd => _handle.Fd;

    /// <summary>Writes all of <paramref name="data"/>, waiting while the pipe is full.</summary>
    /// <exception cref="NativeCallException">write failed; <c>EPIPE</c> means the helper closed
    /// its stdin or exited.</exception>
    public async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        while (!data.IsEmpty)
        {
            var seen = _writable.Version;
            var written = TryWrite(data.Span);
            data = data[written..];
            if (written == 0)
                await _writable.WaitAsync(seen, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Writes what fits now and returns the count (0 when the pipe is full).</summary>
    public unsafe int TryWrite(ReadOnlySpan<byte> data)
    {
        var added = false;
        try
        {
            _handle.DangerousAddRef(ref added);
            fixed (byte* p = data)
            {
                while (true)
                {
                    var n = write(_handle.Fd, p, (size_t)data.Length);
                    if (n >= 0) return (int)n;
                    var errno = Marshal.GetLastPInvokeError();
                    if (errno == Errno.EINTR) continue;
                    if (errno == Errno.EAGAIN) return 0;
                    throw new NativeCallException("write", errno);
                }
            }
        }
        finally
        {
            if (added) _handle.DangerousRelease();
        }
    }

    /// <summary>When set, runs on the reactor thread at every readiness edge (after waking any
    /// awaiting caller). Lets a channel work without a thread-pool hop; must be quick and not throw.</summary>
    internal Action? ReadyCallback { get; set; }

    void IReadinessHandler.OnReady(uint events)
    {
        _writable.Signal();
        ReadyCallback?.Invoke();
    }

    /// <summary>Closes the host's end: the helper reads end of file on its stdin.</summary>
    public void Dispose()
    {
        _reactor.Unregister(_handle, _token);
        _writable.Fault(new ObjectDisposedException(nameof(PipeWriteEnd)));
        _handle.Dispose();
    }
}
