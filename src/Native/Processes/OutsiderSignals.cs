using System.Runtime.InteropServices;
using UmhActors.Native.Handles;
using UmhActors.Native.Interop;

namespace UmhActors.Native.Processes;

/// <summary>
/// Signals a process the way someone outside this host would (an administrator's <c>kill</c>, a
/// fault injected by a test): through a pidfd of its own, so the helper's
/// <see cref="HelperProcess.LastSignalSentByHost"/> is untouched and the supervisor classifies the
/// end as it would an outsider's signal. For UmhActors.TestKit.
/// </summary>
internal static class OutsiderSignals
{
    /// <summary>Opens a pidfd for <paramref name="pid"/>, or returns null when no such process exists.
    /// From then on signals reach that process or nobody, never a later one given the same pid.</summary>
    /// <exception cref="NativeCallException">pidfd_open failed for another reason.</exception>
    public static PidfdHandle? Open(int pid)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(pid, 0);
        var fd = Libc.pidfd_open(pid, 0);
        if (fd >= 0) return new PidfdHandle(fd);
        var errno = Marshal.GetLastPInvokeError();
        if (errno == Errno.ESRCH) return null;
        throw new NativeCallException("pidfd_open", errno);
    }

    /// <summary>Sends <paramref name="signal"/>; returns false when the process has already exited.</summary>
    /// <exception cref="NativeCallException">pidfd_send_signal failed for another reason.</exception>
    public static bool Send(PidfdHandle pidfd, int signal)
    {
        ArgumentNullException.ThrowIfNull(pidfd);
        var added = false;
        try
        {
            pidfd.DangerousAddRef(ref added);
            if (Libc.pidfd_send_signal(pidfd.Fd, signal) == 0) return true;
            var errno = Marshal.GetLastPInvokeError();
            if (errno == Errno.ESRCH) return false;
            throw new NativeCallException("pidfd_send_signal", errno);
        }
        finally
        {
            if (added) pidfd.DangerousRelease();
        }
    }
}
