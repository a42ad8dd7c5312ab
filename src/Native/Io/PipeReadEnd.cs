using System.Runtime.InteropServices;
using UmhActors.Native.Handles;
using UmhActors.Native.Interop;
using Tmds.Linux;
using static Tmds.Linux.LibC;

namespace UmhActors.Native.Io;

/// <summary>
/// The host's non-blocking read end of a helper pipe (its stdout or stderr). Reads complete
/// through the reactor; no thread blocks while the helper is silent.
/// </summary>
public sealed class PipeReadEnd : IDisposable, IReadinessHandler
{
    private readonly PipeEndHandle _handle;
    private readonly Reactor _reactor;
    private readonly ReadinessSignal _readable = new();
    private readonly ulong _token;

    internal PipeReadEnd(PipeEndHandle handle, Reactor reactor)
    {
        _handle = handle;
        _reactor = reactor;
        _token = reactor.Register(handle, (uint)(EPOLLIN | EPOLLRDHUP | EPOLLET), this);
    }

    /// <summary>The descriptor number (for diagnostics and tests).</summary>
    public int Fd => _handle.Fd;

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
            var seen = _readable.Version;
            if (TryRead(buffer.Span, out var count)) return count;
            await _readable.WaitAsync(seen, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Reads what is available now: false when the pipe is empty (<c>EAGAIN</c>).</summary>
    public unsafe bool TryRead(Span<byte> buffer, out int count)
    {
        var added = false;
        try
        {
            _handle.DangerousAddRef(ref added);
            fixed (byte* p = buffer)
            {
                while (true)
                {
                    var n = read(_handle.Fd, p, (size_t)buffer.Length);
                    if (n >= 0)
                    {
                        count = (int)n;
                        return true;
                    }
                    var errno = Marshal.GetLastPInvokeError();
                    if (errno == Errno.EINTR) continue;
                    if (errno == Errno.EAGAIN)
                    {
                        count = 0;
                        return false;
                    }
                    throw new NativeCallException("read", errno);
                }
            }
        }
        finally
        {
            if (added) _handle.DangerousRelease();
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

    /// <summary>When set, runs on the reactor thread at every readiness edge (after waking any
    /// awaiting caller). Lets a channel work without a thread-pool hop; must be quick and not throw.</summary>
    internal Action? ReadyCallback { get; set; }

    void IReadinessHandler.OnReady(uint events)
    {
        _readable.Signal();
        ReadyCallback?.Invoke();
    }

    /// <summary>Closes the host's end; pending reads fail with <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose()
    {
        _reactor.Unregister(_handle, _token);
        _readable.Fault(new ObjectDisposedException(nameof(PipeReadEnd)));
        _handle.Dispose();
    }
}
