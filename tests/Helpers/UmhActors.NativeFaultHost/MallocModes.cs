using System.Runtime.InteropServices;
using Akka.Actor;
using Akka.Configuration;
using UmhActors.Guardian;
using UmhActors.Native.Memory;

namespace UmhActors.NativeFaultHost;

/// <summary>
/// <c>mmap-threshold</c>: starts an ActorSystem and the UmhActors extension as a host does, then
/// allocates 16 blocks of 48 KiB (the size of the JIT's temporary buffers) on a new thread and
/// prints how many of them glibc served with pages of their own (<c>mmapped=N</c>, from
/// <c>mallinfo2</c>'s count of mmapped blocks) and what the extension's start did (<c>outcome=Kind</c>).
/// Its own process: the threshold is process-wide.
/// </summary>
internal static partial class MallocModes
{
    public const string Name = "mmap-threshold";

    private const int Blocks = 16;
    private const int BlockBytes = 48 * 1024;

    public static async Task RunAsync()
    {
        var system = ActorSystem.Create("malloc-host", ConfigurationFactory.ParseString("akka.loglevel = ERROR\nakka.stdout-loglevel = ERROR"));
        try
        {
            _ = UmhGuardian.Get(system);
            Console.WriteLine($"outcome={NativeMmapThreshold.Outcome?.Kind.ToString() ?? "none"}");
            var mmapped = 0L;
            var thread = new Thread(() => mmapped = MmappedOf(Blocks, BlockBytes));
            thread.Start();
            thread.Join();
            Console.WriteLine($"mmapped={mmapped}");
        }
        finally
        {
            await system.Terminate().WaitAsync(TimeSpan.FromSeconds(30));
        }
    }

    // How many more blocks glibc has mmapped while holding `count` new blocks of `bytes`.
    private static unsafe long MmappedOf(int count, int bytes)
    {
        var before = (long)mallinfo2().hblks;
        var blocks = new List<nint>();
        for (var i = 0; i < count; i++) blocks.Add((nint)NativeMemory.Alloc((nuint)bytes));
        var during = (long)mallinfo2().hblks;
        foreach (var block in blocks) NativeMemory.Free((void*)block);
        return during - before;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct MallInfo2
    {
        public nuint arena, ordblks, smblks, hblks, hblkhd, usmblks, fsmblks, uordblks, fordblks, keepcost;
    }

    [LibraryImport("libc")]
    private static partial MallInfo2 mallinfo2();
}
