using System.Diagnostics;
using UmhActors.Native.Interop;

namespace UmhActors.Native.Memory;

/// <summary>
/// Gives the C library's free heap pages back to the kernel after helpers exit, at most once per
/// <see cref="MinimumInterval"/>: glibc's <c>malloc_trim(0)</c>, on a thread-pool thread.
/// </summary>
/// <remarks>
/// Why a library does this: a host that restarts helpers all day makes the .NET runtime churn native
/// memory on many threads (thread-pool threads come and go, the JIT compiles the failure paths in
/// large temporary buffers). glibc gives every thread one of up to eight arenas per core and keeps what
/// is freed inside them resident, so RSS crept up about 2 MiB a minute in the 10-minute chaos run
/// while the bytes malloc had in use stayed flat (4–5 MiB): free memory scattered over 16 arenas,
/// not a leak. glibc only returns such pages on <c>malloc_trim</c>. Trimming walks every arena under
/// its lock and costs well under a millisecond here; once per interval, after an exit, keeps the
/// host's RSS flat at no cost to a host whose helpers do not exit. On a C library without
/// <c>malloc_trim</c> (musl) nothing happens.
/// </remarks>
public static unsafe class NativeHeapTrim
{
    private static readonly object s_gate = new();
    private static Timer? s_timer;
    private static bool s_scheduled;
    private static long s_lastTrimTimestamp;
    private static long s_trims;
    private static volatile bool s_enabled = true;
    private static TimeSpan s_minimumInterval = TimeSpan.FromSeconds(5);

    /// <summary>Whether helper exits trim the native heap (default true). Turn off when the host
    /// tunes its allocator itself (another allocator preloaded, <c>MALLOC_ARENA_MAX</c>, its own trims).</summary>
    public static bool Enabled
    {
        get => s_enabled;
        set => s_enabled = value;
    }

    /// <summary>The least time between two trims (default 5 s). An exit within it is covered by a
    /// trim at its end.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Negative.</exception>
    public static TimeSpan MinimumInterval
    {
        get
        {
            lock (s_gate) return s_minimumInterval;
        }
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, TimeSpan.Zero);
            lock (s_gate) s_minimumInterval = value;
        }
    }

    /// <summary>Whether this C library can trim (glibc).</summary>
    public static bool IsSupported => OptionalLibc.MallocTrim != null;

    /// <summary>How many trims have run since the process started.</summary>
    public static long TrimCount => Interlocked.Read(ref s_trims);

    /// <summary>A helper has exited: schedules a trim, now or at the end of the current interval.
    /// Never blocks and never throws (it runs on the reaper's thread).</summary>
    internal static void RequestAfterHelperExit()
    {
        if (!s_enabled || !IsSupported) return;
        lock (s_gate)
        {
            if (s_scheduled) return;
            s_scheduled = true;
            var sinceLast = s_lastTrimTimestamp == 0 ? TimeSpan.MaxValue : Stopwatch.GetElapsedTime(s_lastTrimTimestamp);
            var due = sinceLast >= s_minimumInterval ? TimeSpan.Zero : s_minimumInterval - sinceLast;
            // One timer for the process, made on first use; a Timer callback runs on the thread pool.
            s_timer ??= new Timer(static _ => Trim(), null, Timeout.Infinite, Timeout.Infinite);
            s_timer.Change(due, Timeout.InfiniteTimeSpan);
        }
    }

    private static void Trim()
    {
        lock (s_gate)
        {
            // Exits from now on schedule the next trim; this one covers those before it.
            s_scheduled = false;
            s_lastTrimTimestamp = Stopwatch.GetTimestamp();
        }
        if (!s_enabled) return;
        OptionalLibc.MallocTrim(0);
        Interlocked.Increment(ref s_trims);
    }
}
