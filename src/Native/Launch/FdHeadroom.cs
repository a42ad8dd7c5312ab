using System.Diagnostics;
using System.Runtime.InteropServices;
using UmhActors.Native.Interop;
using static Tmds.Linux.LibC;

namespace UmhActors.Native.Launch;

/// <summary>
/// Keeps fds free for the runtime. The .NET runtime needs fds of its own at unpredictable times
/// (a pipe per new thread, assemblies opened lazily) and aborts the process when it gets none; a
/// launch that took the last ones would crash the host later. So a launch first counts the host's
/// open fds against <c>RLIMIT_NOFILE</c> and refuses, transiently, when fewer than the reserve plus
/// what the launch takes would remain.
/// </summary>
/// <remarks>
/// Counting reads <c>/proc/self/fd</c> through a directory fd opened once, at start-up: the check
/// itself must not need a free fd when fds are scarce.
/// </remarks>
internal static unsafe class FdHeadroom
{
    /// <summary>fds a launch takes in the host at its peak: three pipes (six ends, three closed
    /// after the spawn) and the pidfd.</summary>
    public const int PeakPerLaunch = 7;

    /// <summary>fds a running helper keeps in the host: its pidfd and three pipe ends (one with
    /// <see cref="StdioMode.Null"/>).</summary>
    public const int HeldPerHelper = 4;

    private const int SeekSet = 0;
    private const int BufferBytes = 64 * 1024;
    private static readonly object s_gate = new();
    private static int s_procFdDirectory = -1;
    private static byte* s_buffer;

    /// <summary>Opens what the check needs; called once at start-up of the launch path.</summary>
    public static void Prepare()
    {
        lock (s_gate)
        {
            if (s_procFdDirectory != -1) return;
            // Allocated once: when the open below fails for want of an fd, Prepare runs again at
            // the next launch, and a new buffer each time would leak 64 KiB per launch attempt.
            if (s_buffer == null) s_buffer = (byte*)NativeMemory.Alloc(BufferBytes);
            using var strings = new NativeStrings();
            s_procFdDirectory = open(strings.Add("/proc/self/fd"), O_RDONLY | O_DIRECTORY | Libc.O_CLOEXEC, 0);
        }
    }

    /// <summary>The soft <c>RLIMIT_NOFILE</c>.</summary>
    public static long Limit()
    {
        Libc.RLimit limit;
        if (Libc.getrlimit(Libc.RLIMIT_NOFILE, &limit) == -1) throw NativeCallException.FromLastError("getrlimit(RLIMIT_NOFILE)");
        return limit.Current > long.MaxValue ? long.MaxValue : (long)limit.Current;
    }

    /// <summary>How many fds this process has open now; -1 when they cannot be counted.</summary>
    public static int OpenCount()
    {
        lock (s_gate)
        {
            if (s_procFdDirectory == -1) return -1;
            if (Libc.lseek(s_procFdDirectory, 0, SeekSet) == -1) return -1;
            var count = 0;
            while (true)
            {
                var n = Libc.getdents64(s_procFdDirectory, s_buffer, BufferBytes);
                if (n == -1) return -1;
                if (n == 0) break;
                for (long offset = 0; offset < n;)
                {
                    // struct linux_dirent64: u64 ino, s64 off, u16 reclen, u8 type, char name[].
                    var record = s_buffer + offset;
                    var recordLength = *(ushort*)(record + 16);
                    if (record[19] != (byte)'.') count++;
                    offset += recordLength;
                }
            }
            // The directory fd itself is listed too; it is ours, but open all the time.
            return count;
        }
    }

    /// <summary>Throws a transient <see cref="LaunchFailedException"/> when launching would leave
    /// fewer than <paramref name="reserve"/> fds free.</summary>
    /// <remarks>Counting costs tens of microseconds (the kernel formats one entry per open fd),
    /// a tenth of a launch; so while a recent count, plus the most every launch since could have
    /// taken, plus some slack for the runtime, is still far from the limit, no count is made.</remarks>
    public static void Ensure(string helperName, int reserve)
    {
        if (reserve <= 0) return;
        var limit = Limit();
        lock (s_gate)
        {
            if (s_lastCount >= 0 && Stopwatch.GetElapsedTime(s_countedAt) < RecountAfter)
            {
                var upperBound = s_lastCount + (s_launchesSinceCount + 1) * PeakPerLaunch + RuntimeSlack;
                if (limit - upperBound >= reserve)
                {
                    s_launchesSinceCount++;
                    return;
                }
            }
            var open = OpenCount();
            if (open < 0) return; // cannot count: let the launch itself report what fails
            s_lastCount = open;
            s_countedAt = Stopwatch.GetTimestamp();
            s_launchesSinceCount = 1;
            if (limit - open - PeakPerLaunch >= reserve) return;
            s_lastCount = -1;
            throw LaunchFailedException.FdReserve(helperName, open, limit, reserve);
        }
    }

    private static readonly TimeSpan RecountAfter = TimeSpan.FromMilliseconds(100);

    // fds the runtime may open between two counts (threads, lazily opened assemblies).
    private const int RuntimeSlack = 16;

    private static int s_lastCount = -1;
    private static long s_countedAt;
    private static int s_launchesSinceCount;
}
