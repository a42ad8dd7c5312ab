using System.Diagnostics;
using System.Runtime.InteropServices;
using UmhActors.Native.Handles;
using UmhActors.Native.Interop;
using UmhActors.Native.Io;
using static Tmds.Linux.LibC;

namespace UmhActors.Native.Exit;

/// <summary>
/// The one owner of reaping: every helper's pidfd sits in the reactor's epoll set; when one
/// becomes readable the process has exited, and <c>waitid(P_PIDFD)</c> collects its status.
/// No thread per helper, and no interference with other code's children (only our pidfds are
/// waited on).
/// </summary>
/// <remarks>
/// The exit is read first with <c>WNOWAIT</c>, leaving the leader a zombie: while it is one, its
/// pid (and so its process group's number) cannot be reused, so <c>beforeReap</c> can still
/// signal the group safely. Only then is the zombie reaped. <c>beforeReap</c> and the reap run
/// under the owner's <c>gate</c>, the lock its group signals take too, so no group signal can
/// slip in after the reap.
/// </remarks>
internal static unsafe class ChildReaper
{
    /// <summary>Calls <paramref name="beforeReap"/> (under <paramref name="gate"/>, while the exited
    /// process is still an unreaped zombie: argument true; false when something else reaped it
    /// first and its group's number may already be reused), reaps it, then calls <paramref name="onExit"/> once,
    /// on the reactor thread or the caller's. The caller closes the pidfd (after onExit).</summary>
    /// <exception cref="NativeCallException">The pidfd could not be registered; nothing is left registered.</exception>
    public static void Watch(Reactor reactor, PidfdHandle pidfd, int pid, long startTimestamp, object gate, Action<bool> beforeReap, Action<ExitStatus> onExit)
    {
        var watch = new PidfdWatch(reactor, pidfd, pid, startTimestamp, gate, beforeReap, onExit);
        watch.Start();
    }

    private sealed class PidfdWatch(Reactor reactor, PidfdHandle pidfd, int pid, long startTimestamp, object gate, Action<bool> beforeReap, Action<ExitStatus> onExit)
        : IReadinessHandler
    {
        private ulong _token;
        private bool _done;

        public void Start()
        {
            var token = reactor.Register(pidfd, (uint)EPOLLIN, this);
            lock (gate)
            {
                _token = token;
                // The reactor thread may have reaped already (an exited child's pidfd is readable
                // at once) before the token was known here: it could not unregister then.
                if (_done) reactor.Unregister(pidfd, token);
            }
            // An already-readable pidfd still reports once when added, but check anyway so
            // nothing depends on it.
            TryReap();
        }

        public void OnReady(uint events) => TryReap();

        public void OnFailed(Exception error)
        {
            // Only onExit can throw here (waitid reports errors by value), and it runs after the
            // reap: the exit is known and delivered as far as it went; nothing else to undo.
        }

        // Start() and the reactor thread may both try; waitid must run once at a time, or the
        // loser sees ECHILD for a child the winner just reaped.
        private void TryReap()
        {
            ExitStatus exit;
            lock (gate)
            {
                if (_done || ReapIfExited() is not { } reaped) return;
                exit = reaped;
                _done = true;
                if (_token != 0) reactor.Unregister(pidfd, _token);
            }
            onExit(exit);
        }

        private ExitStatus? ReapIfExited()
        {
            var info = stackalloc byte[Libc.SiginfoBytes];
            new Span<byte>(info, Libc.SiginfoBytes).Clear();
            if (Wait(info, Libc.WEXITED | Libc.WNOHANG | Libc.WNOWAIT) == -1)
            {
                // ECHILD: someone else reaped it (a process-wide waitpid(-1) elsewhere); report
                // what we know rather than waiting forever. The group may be reused now: say so.
                if (Marshal.GetLastPInvokeError() != Errno.ECHILD) return null;
                beforeReap(false);
                return new ExitStatus(pid, null, null, false, Elapsed());
            }
            var reportedPid = *(int*)(info + 16);
            if (reportedPid == 0) return null; // WNOHANG: not exited yet.
            var code = *(int*)(info + 8);
            var status = *(int*)(info + 24);
            beforeReap(true);
            var reapInfo = stackalloc byte[Libc.SiginfoBytes];
            Wait(reapInfo, Libc.WEXITED | Libc.WNOHANG);
            return code == Libc.CLD_EXITED
                ? new ExitStatus(pid, status, null, false, Elapsed())
                : new ExitStatus(pid, null, status, code == Libc.CLD_DUMPED, Elapsed());
        }

        private int Wait(byte* info, int options)
        {
            int rc;
            var added = false;
            try
            {
                pidfd.DangerousAddRef(ref added);
                do rc = Libc.waitid(Libc.P_PIDFD, pidfd.Fd, info, options);
                while (rc == -1 && Marshal.GetLastPInvokeError() == Errno.EINTR);
            }
            finally
            {
                if (added) pidfd.DangerousRelease();
            }
            return rc;
        }

        private TimeSpan Elapsed() => Stopwatch.GetElapsedTime(startTimestamp);
    }
}
