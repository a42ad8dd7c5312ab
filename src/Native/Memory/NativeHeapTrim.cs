using System.Diagnostics;
using UmhActors.Native.Interop;

namespace UmhActors.Native.Memory;

/// <summary>
/// Gives the C library's free heap pages back to the kernel when a helper exits, at most once per
/// <see cref="MinimumInterval"/>: glibc's <c>malloc_trim(0)</c>.
/// </summary>
/// <remarks>
/// Why a library does this: a host that restarts helpers all day makes the .NET runtime churn native
/// memory on many threads (thread-pool threads come and go, the JIT compiles the failure paths in
/// large temporary buffers). glibc gives every thread one of up to eight arenas per core and keeps what
/// is freed inside them resident, so RSS crept up about 2 MiB a minute in the 10-minute chaos run
/// while the bytes malloc had in use stayed flat (4–5 MiB): free memory scattered over 16 arenas,
/// not a leak. glibc only returns such pages on <c>malloc_trim</c>, which walks every arena under its
/// lock (its time grows with the free chunks, not with the memory in use).
/// <para>The trim runs on the thread that reaps the helper (the reactor's), not on a timer or the
/// thread pool: it needs no fd and no new thread, so it is safe when the host is out of fds (where
/// the runtime aborts if it cannot start a thread). So an exit within the interval does not trim;
/// the first exit after it does. On a C library without <c>malloc_trim</c> (musl) nothing happens.</para>
/// </remarks>
public static unsafe class NativeHeapTrim
{
    private static readonly object s_gate = new();
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

    /// <summary>The least time between two trims (default 5 s); exits within it do not trim.</summary>
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

    /// <summary>A helper has exited: trims now unless the last trim was less than
    /// <see cref="MinimumInterval"/> ago. Never throws.</summary>
    internal static void AfterHelperExit()
    {
        if (!s_enabled || !IsSupported) return;
        var now = Stopwatch.GetTimestamp();
        lock (s_gate)
        {
            if (s_lastTrimTimestamp != 0 && Stopwatch.GetElapsedTime(s_lastTrimTimestamp, now) < s_minimumInterval) return;
            s_lastTrimTimestamp = now;
        }
        OptionalLibc.MallocTrim(0);
        Interlocked.Increment(ref s_trims);
    }
}
