using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace UmhActors.Benchmarks.Infrastructure;

/// <summary>
/// Where the host's memory is, read from inside: RSS (after a full blocking GC), the managed heap,
/// glibc's malloc (bytes in use, bytes free inside its arenas, how many arenas), OS threads. A
/// native leak shows as malloc bytes in use growing; fragmentation as free bytes growing while
/// in-use stays flat.
/// </summary>
internal static partial class MemoryProbe
{
    /// <summary>One reading.</summary>
    internal sealed record Reading(long RssBytes, long RssAnonBytes, long ManagedHeapBytes, long GcCommittedBytes, long MallocInUseBytes,
        long MallocFreeBytes, long MallocMappedBytes, int Arenas, int Threads)
    {
        public override string ToString() =>
            $"rss {RssBytes / 1048576.0:F1} MiB (anon {RssAnonBytes / 1048576.0:F1}), managed {ManagedHeapBytes / 1048576.0:F1} MiB (committed {GcCommittedBytes / 1048576.0:F1}), " +
            $"malloc in use {MallocInUseBytes / 1048576.0:F2} MiB, free {MallocFreeBytes / 1048576.0:F2} MiB, mmapped {MallocMappedBytes / 1048576.0:F2} MiB, " +
            $"arenas {Arenas}, threads {Threads}";
    }

    /// <summary>Reads after a full, compacting, blocking GC (and finalizers).</summary>
    public static Reading AfterFullGc()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        return Read();
    }

    public static Reading Read()
    {
        var info = mallinfo2();
        var gc = GC.GetGCMemoryInfo();
        return new Reading(Rss(), StatusKib("RssAnon:") * 1024, GC.GetTotalMemory(false), gc.TotalCommittedBytes,
            (long)(info.uordblks + info.hblkhd), (long)info.fordblks, (long)info.hblkhd, Arenas(), Threads());
    }

    public static long Rss()
    {
        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
    }

    private static long StatusKib(string key)
    {
        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith(key, StringComparison.Ordinal));
        return long.Parse(line.Split(new[] { ' ', '\t' }, StringSplitOptions.RemoveEmptyEntries)[1]);
    }

    private static int Threads()
    {
        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith("Threads:", StringComparison.Ordinal));
        return int.Parse(line.Split(new[] { ' ', '\t' }, StringSplitOptions.RemoveEmptyEntries)[1]);
    }

    private static int s_probes;

    // malloc_info's XML lists one <heap nr="N"> per arena.
    private static int Arenas()
    {
        // A file per call: the chaos run's minute reading and its end reading may overlap, and one
        // deleting the other's file crashed the 10-minute run at its end.
        var path = Path.Combine(Path.GetTempPath(), $"umh-malloc-info-{Environment.ProcessId}-{Interlocked.Increment(ref s_probes)}.xml");
        var file = fopen(path, "w");
        if (file == 0) return -1;
        try
        {
            malloc_info(0, file);
        }
        finally
        {
            fclose(file);
        }
        var text = File.ReadAllText(path);
        File.Delete(path);
        return HeapElement().Matches(text).Count;
    }

    [GeneratedRegex("<heap nr=")]
    private static partial Regex HeapElement();

    [StructLayout(LayoutKind.Sequential)]
    private struct MallInfo2
    {
        public nuint arena, ordblks, smblks, hblks, hblkhd, usmblks, fsmblks, uordblks, fordblks, keepcost;
    }

    [LibraryImport("libc")]
    private static partial MallInfo2 mallinfo2();

    [LibraryImport("libc")]
    private static partial int malloc_info(int options, nint stream);

    [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8)]
    private static partial nint fopen(string path, string mode);

    [LibraryImport("libc")]
    private static partial int fclose(nint stream);
}
