using System.Runtime.InteropServices;
using UmhActors.Native.Handles;
using UmhActors.Native.Interop;

namespace UmhActors.Native.Io;

/// <summary>
/// One host end of a helper pipe, non-blocking and registered edge-triggered with the reactor:
/// the shared part of <see cref="PipeReadEnd"/> and <see cref="PipeWriteEnd"/> (the handle, the
/// readiness signal, the optional reactor-thread callback, the system call retry loop, disposal).
/// </summary>
public abstract class PipeEnd : IDisposable, IReadinessHandler
{
    private readonly PipeEndHandle _handle;
    private readonly Reactor _reactor;
    private readonly ulong _token;
    private readonly uint _events;

    private protected PipeEnd(PipeEndHandle handle, Reactor reactor, uint events)
    {
        _handle = handle;
        _reactor = reactor;
        _events = events;
        _token = reactor.Register(handle, events, this);
    }

    /// <summary>For one-shot registrations: asks for the next readiness edge.</summary>
    private protected void Rearm() => _reactor.Rearm(_handle, _token, _events);

    /// <summary>The descriptor number (for diagnostics and tests).</summary>
    public int Fd => _handle.Fd;

    /// <summary>Bumped by every readiness edge; awaited after <c>EAGAIN</c>.</summary>
    private protected ReadinessSignal Ready { get; } = new();

    /// <summary>When set, runs on the reactor thread at every readiness edge (after waking any
    /// awaiting caller). Lets a channel work without a thread-pool hop; must be quick and not throw.</summary>
    internal Action? ReadyCallback { get; set; }

    /// <summary>Set by the owner (the helper process) to learn that this pipe's reactor callback
    /// threw: the pipe gets no more events, so the helper cannot be served any more.</summary>
    internal Action<Exception>? CallbackFailed { get; set; }

    /// <summary>True once an edge reported the other end closed (or an error): a read that returned
    /// less than asked may then be followed by end of stream, which will raise no further edge.</summary>
    internal bool HungUp => Volatile.Read(ref _hungUp);

    private bool _hungUp;

    void IReadinessHandler.OnReady(uint events)
    {
        if ((events & (uint)(Tmds.Linux.LibC.EPOLLHUP | Tmds.Linux.LibC.EPOLLRDHUP | Tmds.Linux.LibC.EPOLLERR)) != 0) Volatile.Write(ref _hungUp, true);
        Ready.Signal();
        ReadyCallback?.Invoke();
    }

    void IReadinessHandler.OnFailed(Exception error)
    {
        ReadyCallback = null;
        var failure = new ReadinessCallbackException(GetType().Name, error);
        Volatile.Write(ref _callbackFailure, failure);
        Ready.Fault(failure);
        CallbackFailed?.Invoke(failure);
    }

    private ReadinessCallbackException? _callbackFailure;

    /// <summary>Runs <paramref name="call"/> on the fd (kept open meanwhile), retrying on
    /// <c>EINTR</c>; returns -1 for <c>EAGAIN</c> and throws naming <paramref name="name"/> otherwise
    /// (<see cref="ReadinessCallbackException"/> once a reactor callback of this pipe threw).</summary>
    private protected long Transfer<TState>(string name, TState state, Func<int, TState, long> call)
    {
        // The pipe gets no readiness events any more: reading or writing on would wait forever.
        if (Volatile.Read(ref _callbackFailure) is { } failure) throw new ReadinessCallbackException(GetType().Name, failure.InnerException!);
        var added = false;
        try
        {
            _handle.DangerousAddRef(ref added);
            while (true)
            {
                var n = call(_handle.Fd, state);
                if (n >= 0) return n;
                var errno = Marshal.GetLastPInvokeError();
                if (errno == Errno.EINTR) continue;
                if (errno == Errno.EAGAIN) return -1;
                throw new NativeCallException(name, errno);
            }
        }
        finally
        {
            if (added) _handle.DangerousRelease();
        }
    }

    /// <summary>Closes the host's end; pending waits fail with <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose()
    {
        _reactor.Unregister(_handle, _token);
        Ready.Fault(new ObjectDisposedException(GetType().Name));
        _handle.Dispose();
        GC.SuppressFinalize(this);
    }
}
