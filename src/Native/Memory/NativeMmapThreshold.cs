using System.Runtime.InteropServices;

namespace UmhActors.Native.Memory;

/// <summary>
/// Fixes glibc's mmap threshold (<c>mallopt(M_MMAP_THRESHOLD, n)</c>, default 32 KiB) when the
/// ActorSystem extension starts, unless the host chose one itself: malloc blocks of that size and
/// more get pages of their own, returned to the kernel by <c>free</c>.
/// </summary>
/// <remarks>
/// <para>Why a library does this: a host that restarts helpers all day keeps reaching code it has
/// not run yet (failure and recovery paths), and the JIT compiles each method in temporary buffers
/// of tens of KiB, from whichever of glibc's arenas (up to 8 per core) the thread is on. glibc's
/// own threshold starts at 128 KiB and rises with every large block freed (up to 32 MiB), so those
/// buffers come from the arenas, and once freed they leave holes between live chunks that
/// <c>malloc_trim</c> cannot return: in the 10-minute chaos run malloc's free bytes grew
/// 14 → 21 MiB over 16 arenas and RSS 15 %. With the threshold fixed at 32 KiB they stayed at
/// ~2 MiB (docs/benchmarks.md, chaos). The cost is an <c>mmap</c>/<c>munmap</c> pair per block
/// of that size, which the host's steady request path does not allocate.</para>
/// <para>Unlike the arena cap (<c>M_ARENA_MAX</c>), which glibc ignores once it has fixed its arena
/// limit (a .NET host has 8 arenas before <c>Main</c> and 11 after creating an ActorSystem, measured),
/// the threshold takes effect whenever it is set: glibc reads it at every allocation.</para>
/// <para>The host's own choice wins: with <c>MALLOC_MMAP_THRESHOLD_</c> in the environment or
/// <c>glibc.malloc.mmap_threshold</c> in <c>GLIBC_TUNABLES</c> nothing is changed, and
/// <see cref="Enabled"/> = false (set before the ActorSystem starts) turns it off.</para>
/// </remarks>
public static unsafe class NativeMmapThreshold
{
    // malloc.h: #define M_MMAP_THRESHOLD -3
    private const int M_MMAP_THRESHOLD = -3;

    private static readonly delegate* unmanaged<int, int, int> s_mallopt = LookupMallopt();
    private static readonly object s_gate = new();
    private static volatile bool s_enabled = true;
    private static int s_thresholdBytes = 32 * 1024;
    private static MallocTuningOutcome? s_outcome;

    /// <summary>Whether the extension's start sets the threshold (default true). Set before the
    /// first ActorSystem with the extension starts; turning it off later does not undo it.</summary>
    public static bool Enabled
    {
        get => s_enabled;
        set => s_enabled = value;
    }

    /// <summary>The threshold in bytes (default 32 KiB).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Less than 4 KiB or more than 32 MiB (glibc's bound).</exception>
    public static int ThresholdBytes
    {
        get => Volatile.Read(ref s_thresholdBytes);
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 4096);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, 32 * 1024 * 1024);
            Volatile.Write(ref s_thresholdBytes, value);
        }
    }

    /// <summary>What the last <see cref="Apply"/> did (null before any).</summary>
    public static MallocTuningOutcome? Outcome
    {
        get
        {
            lock (s_gate) return s_outcome;
        }
    }

    /// <summary>Sets the threshold now unless turned off, the host chose its own, or the C library
    /// has no <c>mallopt</c>; once set, later calls do nothing. Never throws: it is a tuning, not a
    /// condition of running.</summary>
    public static MallocTuningOutcome Apply() => ApplyWith(Environment.GetEnvironmentVariable);

    internal static MallocTuningOutcome ApplyWith(Func<string, string?> environment)
    {
        lock (s_gate)
        {
            if (s_outcome is { Kind: MallocTuningOutcomeKind.Set }) return s_outcome;
            return s_outcome = Decide(environment);
        }
    }

    private static MallocTuningOutcome Decide(Func<string, string?> environment)
    {
        if (!s_enabled) return new MallocTuningOutcome(MallocTuningOutcomeKind.Disabled, "turned off (NativeMmapThreshold.Enabled = false)");
        if (environment("MALLOC_MMAP_THRESHOLD_") is { Length: > 0 } own)
            return new MallocTuningOutcome(MallocTuningOutcomeKind.HostChose, $"the host set MALLOC_MMAP_THRESHOLD_={own}");
        if (environment("GLIBC_TUNABLES") is { } tunables && tunables.Contains("glibc.malloc.mmap_threshold", StringComparison.Ordinal))
            return new MallocTuningOutcome(MallocTuningOutcomeKind.HostChose, "the host set glibc.malloc.mmap_threshold in GLIBC_TUNABLES");
        if (s_mallopt == null) return new MallocTuningOutcome(MallocTuningOutcomeKind.Unsupported, "this C library has no mallopt");
        var threshold = ThresholdBytes;
        // mallopt returns 1 on success and 0 on error, and sets no errno.
        return s_mallopt(M_MMAP_THRESHOLD, threshold) == 1
            ? new MallocTuningOutcome(MallocTuningOutcomeKind.Set, $"mallopt(M_MMAP_THRESHOLD, {threshold})")
            : new MallocTuningOutcome(MallocTuningOutcomeKind.Refused, $"mallopt(M_MMAP_THRESHOLD, {threshold}) returned 0");
    }

    private static delegate* unmanaged<int, int, int> LookupMallopt()
    {
        try
        {
            var libc = NativeLibrary.Load("libc.so.6");
            return NativeLibrary.TryGetExport(libc, "mallopt", out var address) ? (delegate* unmanaged<int, int, int>)address : null;
        }
        catch (DllNotFoundException)
        {
            return null; // not glibc (musl names its C library differently)
        }
    }
}
