using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;
using Tmds.Linux;
using UmhActors.Native.Handles;
using static Tmds.Linux.LibC;

namespace UmhActors.Native.Io;

/// <summary>
/// One epoll instance and the one thread that waits on it. Pipes and pidfds of every helper are
/// registered edge-triggered here, so thousands of helpers cost no thread each. Handlers may leave
/// work for the end of a round of events (<see cref="TryDeferToRoundEnd"/>); the loop moves to a
/// new thread when such work gets stuck (Reactor.Relief.cs).
/// </summary>
internal sealed unsafe partial class Reactor : IDisposable
{
    private const ulong WakeToken = 0;
    private const int MaxEventsPerWait = 256;

    private static readonly object s_sharedGate = new();
    private static Reactor? s_shared;

    private readonly ConcurrentDictionary<ulong, IReadinessHandler> _handlers = new();
    private readonly int _epollFd;
    private readonly int _wakeFd;
    private readonly string _name;
    // The turn running the loop now; replaced when its thread is relieved from stuck deferred work.
    private ReactorLoopRun _current = null!;
    private long _lastToken;
    private volatile bool _stopping;

    public Reactor(string name)
    {
        _epollFd = NativeCallException.ThrowIfFailed(epoll_create1(EPOLL_CLOEXEC), "epoll_create1");
        _wakeFd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
        if (_wakeFd == -1)
        {
            var error = NativeCallException.FromLastError("eventfd");
            close(_epollFd);
            throw error;
        }
        try
        {
            var ev = new epoll_event { events = EPOLLIN };
            ev.data.u64 = WakeToken;
            NativeCallException.ThrowIfFailed(epoll_ctl(_epollFd, EPOLL_CTL_ADD, _wakeFd, &ev), "epoll_ctl(ADD eventfd)");
            _name = name;
            var first = NewRun();
            _current = first;
            first.Thread.UnsafeStart();
        }
        catch
        {
            // A reactor that never ran owns its two fds alone: nothing else will close them.
            close(_wakeFd);
            close(_epollFd);
            throw;
        }
    }

    /// <summary>The process-wide reactor that serves every helper's pipes and pidfd. Created on
    /// first use; a failed creation (e.g. <c>eventfd: EMFILE</c>) is not cached, so the next use
    /// tries again once fds are free.</summary>
    public static Reactor Shared => Volatile.Read(ref s_shared) ?? CreateShared();

    /// <summary>The shared reactor if it exists yet (for diagnostics: never creates it).</summary>
    internal static Reactor? SharedIfCreated => Volatile.Read(ref s_shared);

    /// <summary>How many handlers failed (threw from <see cref="IReadinessHandler.OnReady"/>) and
    /// were contained since the process started, over every reactor.</summary>
    internal static long HandlerFailureCount => Interlocked.Read(ref s_handlerFailures);

    private static long s_handlerFailures;

    private static Reactor CreateShared()
    {
        lock (s_sharedGate)
        {
            if (s_shared is { } existing) return existing;
            var created = new Reactor("umh-reactor");
            Volatile.Write(ref s_shared, created);
            return created;
        }
    }

    /// <summary>Registers <paramref name="fd"/> edge-triggered for <paramref name="events"/>;
    /// returns the token to unregister with.</summary>
    public ulong Register(FileDescriptorHandle fd, uint events, IReadinessHandler handler)
    {
        var token = (ulong)Interlocked.Increment(ref _lastToken);
        var ev = new epoll_event { events = (int)events };
        ev.data.u64 = token;
        var added = false;
        try
        {
            // Take the reference before the handler is visible: a closed fd must not leave a
            // handler behind that no event will ever remove.
            fd.DangerousAddRef(ref added);
            _handlers[token] = handler;
            if (epoll_ctl(_epollFd, EPOLL_CTL_ADD, fd.Fd, &ev) == -1)
            {
                _handlers.TryRemove(token, out _);
                throw NativeCallException.FromLastError("epoll_ctl(ADD)");
            }
        }
        finally
        {
            if (added) fd.DangerousRelease();
        }
        return token;
    }

    /// <summary>Re-arms a one-shot registration (<c>EPOLLONESHOT</c>) for <paramref name="events"/>:
    /// the next readiness (or the current one, if the fd is ready now) is reported once more.</summary>
    public void Rearm(FileDescriptorHandle fd, ulong token, uint events)
    {
        var ev = new epoll_event { events = (int)events };
        ev.data.u64 = token;
        var added = false;
        try
        {
            fd.DangerousAddRef(ref added);
            if (epoll_ctl(_epollFd, EPOLL_CTL_MOD, fd.Fd, &ev) == -1)
                throw NativeCallException.FromLastError("epoll_ctl(MOD)");
        }
        finally
        {
            if (added) fd.DangerousRelease();
        }
    }

    /// <summary>Stops delivering events for <paramref name="token"/>. Safe after the fd closed
    /// (closing an fd already removed it from the epoll set).</summary>
    public void Unregister(FileDescriptorHandle fd, ulong token)
    {
        _handlers.TryRemove(token, out _);
        var added = false;
        try
        {
            fd.DangerousAddRef(ref added);
            epoll_ctl(_epollFd, EPOLL_CTL_DEL, fd.Fd, null);
        }
        catch (ObjectDisposedException)
        {
            // Already closed: the kernel dropped the registration with the fd.
        }
        finally
        {
            if (added) fd.DangerousRelease();
        }
    }

    /// <summary>The number of fds currently registered.</summary>
    public int RegisteredCount => _handlers.Count;

    public void Dispose()
    {
        StopReliefWatch(); // sets _stopping: no turn starts after this
        ulong one = 1;
        write(_wakeFd, &one, sizeof(ulong));
        // A relieved thread still finishing its stuck item is not waited for: it touches no fd.
        var current = Volatile.Read(ref _current);
        if (current.Thread != Thread.CurrentThread) current.Thread.Join();
        close(_wakeFd);
        close(_epollFd);
    }

    // One handler's bug must not end the loop that serves every helper: the failing handler is
    // dropped (no more events for it) and told, so it can fail its helper; the others go on.
    private void Dispatch(ulong token, IReadinessHandler handler, uint events)
    {
        try
        {
            handler.OnReady(events);
        }
        catch (Exception error)
        {
            Interlocked.Increment(ref s_handlerFailures);
            _handlers.TryRemove(token, out _);
            Trace.TraceError($"umh reactor: a readiness handler ({handler.GetType().Name}) threw and was unregistered: {error}");
            try
            {
                handler.OnFailed(error);
            }
            catch (Exception secondError)
            {
                Trace.TraceError($"umh reactor: {handler.GetType().Name}.OnFailed threw too: {secondError}");
            }
        }
    }

    private void Loop(ReactorLoopRun run)
    {
        // A relief turn starts only once the stuck turn is known to be relieved (or goes away if it finished first).
        if (run.Release is { } release)
        {
            release.Wait(); // not disposed: Set may still be returning, and without a wait handle there is nothing to free
            if (run.Abandoned) return;
        }
        var events = (epoll_event*)NativeMemory.Alloc((nuint)(MaxEventsPerWait * sizeof(epoll_event)));
        try
        {
            while (!_stopping)
            {
                var count = epoll_wait(_epollFd, events, MaxEventsPerWait, -1);
                if (count == -1)
                {
                    var errno = Marshal.GetLastPInvokeError();
                    if (errno == EINTR) continue;
                    // epoll_wait on our own valid fd cannot fail otherwise; failing loudly beats a silent stall.
                    Environment.FailFast($"umh reactor: epoll_wait: {new NativeCallException("epoll_wait", errno).Message}");
                }
                t_collecting = run.Round;
                try
                {
                    for (var i = 0; i < count; i++)
                    {
                        var token = events[i].data.u64;
                        if (token == WakeToken)
                        {
                            ulong drained;
                            read(_wakeFd, &drained, sizeof(ulong));
                            continue;
                        }
                        if (_handlers.TryGetValue(token, out var handler))
                            Dispatch(token, handler, (uint)events[i].events);
                    }
                }
                finally
                {
                    t_collecting = null;
                }
                if (run.Round.Count > 0 && !RunDeferred(run)) return;
            }
        }
        finally
        {
            NativeMemory.Free(events);
        }
    }
}
