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
internal static unsafe class ChildReaper
{
    /// <summary>Calls <paramref name="onExit"/> once, on the reactor thread, when the process
    /// behind <paramref name="pidfd"/> has exited and been reaped; then closes the pidfd.</summary>
    public static void Watch(Reactor reactor, PidfdHandle pidfd, int pid, long startTimestamp, Action<ExitStatus> onExit)
    {
        var watch = new PidfdWatch(reactor, pidfd, pid, startTimestamp, onExit);
        watch.Start();
    }

    private sealed class PidfdWatch(Reactor reactor, PidfdHandle pidfd, int pid, long startTimestamp, Action<ExitStatus> onExit)
        : IReadinessHandler
    {
        private readonly object _gate = new();
        private ulong _token;
        private bool _done;

        public void Start()
        {
            _token = reactor.Register(pidfd, (uint)EPOLLIN, this);
            // The process may have exited before registration; an already-readable pidfd
            // still reports once when added, but check anyway so nothing depends on it.
            TryReap();
        }

        public void OnReady(uint events) => TryReap();

        // Start() and the reactor thread may both try; waitid must run once at a time, or the
        // loser sees ECHILD for a child the winner just reaped.
        private void TryReap()
        {
            lock (_gate)
            {
                if (!_done) ReapIfExited();
            }
        }

        private void ReapIfExited()
        {
            var info = stackalloc byte[Libc.SiginfoBytes];
            new Span<byte>(info, Libc.SiginfoBytes).Clear();
            int rc;
            var added = false;
            try
            {
                pidfd.DangerousAddRef(ref added);
                do rc = Libc.waitid(Libc.P_PIDFD, pidfd.Fd, info, Libc.WEXITED | Libc.WNOHANG);
                while (rc == -1 && Marshal.GetLastPInvokeError() == Errno.EINTR);
            }
            finally
            {
                if (added) pidfd.DangerousRelease();
            }
            if (rc == -1)
            {
                // ECHILD: someone else reaped it (a process-wide waitpid(-1) elsewhere); report
                // what we know rather than waiting forever.
                if (Marshal.GetLastPInvokeError() != Errno.ECHILD) return;
                Complete(new ExitStatus(pid, null, null, false, Elapsed()));
                return;
            }
            var reportedPid = *(int*)(info + 16);
            if (reportedPid == 0) return; // WNOHANG: not exited yet.
            var code = *(int*)(info + 8);
            var status = *(int*)(info + 24);
            Complete(code == Libc.CLD_EXITED
                ? new ExitStatus(pid, status, null, false, Elapsed())
                : new ExitStatus(pid, null, status, code == Libc.CLD_DUMPED, Elapsed()));
        }

        private TimeSpan Elapsed() => Stopwatch.GetElapsedTime(startTimestamp);

        private void Complete(ExitStatus exit)
        {
            _done = true;
            reactor.Unregister(pidfd, _token);
            onExit(exit);
        }
    }
}
