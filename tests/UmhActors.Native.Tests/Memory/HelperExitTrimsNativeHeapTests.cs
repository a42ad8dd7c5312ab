using System.Runtime.InteropServices;
using UmhActors.Native.Launch;
using UmhActors.Native.Memory;
using UmhActors.Native.Tests.Support;
using UmhActors.Tests.Shared;

namespace UmhActors.Native.Tests.Memory;

/// <summary>
/// Helper exits give the C library's free heap pages back to the kernel (<see cref="NativeHeapTrim"/>):
/// without that, a host restarting helpers kept every page freed in any of glibc's arenas resident, and
/// its RSS crept up for as long as it ran. Runs in the non-parallel leak collection: it changes the
/// process-wide trim settings and reads page residency.
/// </summary>
[Collection(nameof(LeakTests))]
public sealed class HelperExitTrimsNativeHeapTests
{
    private const int Blocks = 512;
    private const int BlockBytes = 64 * 1024;
    private static readonly nuint PageSize = (nuint)Environment.SystemPageSize;

    [Fact]
    public async Task A_helper_exit_returns_the_free_pages_of_malloc_arenas_to_the_kernel()
    {
        Assert.True(NativeHeapTrim.IsSupported, "this test needs glibc's malloc_trim");
        var interval = NativeHeapTrim.MinimumInterval;
        NativeHeapTrim.MinimumInterval = TimeSpan.Zero;
        using var blob = TestBlobs.System("true");
        var (freed, pins) = FragmentOnAThreadOfItsOwn();
        try
        {
            // 32 MiB freed but still resident: glibc keeps freed memory inside its arenas.
            var before = ResidentFraction(freed);
            Assert.True(before > 0.9, $"the freed blocks should still be resident before any exit; {before:P0} are");

            await using (var helper = HelperLauncher.Launch(blob)) await helper.Exited.WaitAsync(ProcessText.Timeout);

            Assert.True(await HostCensus.EventuallyAsync(() => ResidentFraction(freed) < 0.25, TimeSpan.FromSeconds(5)),
                $"after a helper exit {ResidentFraction(freed):P0} of the freed heap pages are still resident (before: {before:P0})");
        }
        finally
        {
            FreeAll(pins);
            NativeHeapTrim.MinimumInterval = interval;
        }
    }

    [Fact]
    public async Task Exits_within_the_minimum_interval_do_not_trim_and_the_first_after_it_does()
    {
        Assert.True(NativeHeapTrim.IsSupported, "this test needs glibc's malloc_trim");
        var interval = NativeHeapTrim.MinimumInterval;
        using var blob = TestBlobs.System("true");
        try
        {
            NativeHeapTrim.MinimumInterval = TimeSpan.Zero;
            var start = NativeHeapTrim.TrimCount;
            await using (var first = HelperLauncher.Launch(blob)) await first.Exited.WaitAsync(ProcessText.Timeout);
            Assert.True(NativeHeapTrim.TrimCount > start, "no trim after an exit");
            // A trim just ran: the next exits fall within the interval.
            NativeHeapTrim.MinimumInterval = TimeSpan.FromSeconds(60);
            var trims = NativeHeapTrim.TrimCount;
            for (var i = 0; i < 10; i++)
                await using (var helper = HelperLauncher.Launch(blob)) await helper.Exited.WaitAsync(ProcessText.Timeout);
            Assert.True(NativeHeapTrim.TrimCount == trims, $"{NativeHeapTrim.TrimCount - trims} trims for 10 exits within the interval");
            // A short interval: exits go on, and once it has passed one of them trims.
            NativeHeapTrim.MinimumInterval = TimeSpan.FromMilliseconds(200);
            Assert.True(await HostCensus.EventuallyAsync(() =>
            {
                using var helper = HelperLauncher.Launch(blob);
                helper.Exited.Wait(ProcessText.Timeout);
                return NativeHeapTrim.TrimCount > trims;
            }, TimeSpan.FromSeconds(5)), "no trim after the interval");
        }
        finally
        {
            NativeHeapTrim.MinimumInterval = interval;
        }
    }

    // Touched 64 KiB blocks, each followed by a small live pin, then the blocks freed: no two freed
    // blocks can merge with each other or with the arena's top (which free() would trim by itself),
    // so their pages stay resident inside the arena until something trims it. Its own thread, so
    // the memory is in whichever arena that thread gets, as with the runtime's threads.
    private static (List<nint> Freed, List<nint> Pins) FragmentOnAThreadOfItsOwn()
    {
        var freed = new List<nint>(Blocks);
        var pins = new List<nint>(Blocks);
        var thread = new Thread(() => Fragment(freed, pins));
        thread.Start();
        thread.Join();
        return (freed, pins);
    }

    private static unsafe void Fragment(List<nint> freed, List<nint> pins)
    {
        for (var i = 0; i < Blocks; i++)
        {
            var block = (byte*)NativeMemory.Alloc(BlockBytes);
            new Span<byte>(block, BlockBytes).Fill(0x5a);
            freed.Add((nint)block);
            pins.Add((nint)NativeMemory.Alloc(512));
        }
        foreach (var block in freed) NativeMemory.Free((void*)block);
    }

    private static unsafe void FreeAll(List<nint> blocks)
    {
        foreach (var block in blocks) NativeMemory.Free((void*)block);
    }

    // The share of resident pages among the freed blocks' whole pages (mincore), skipping each
    // block's first page, which holds malloc's bookkeeping for the free chunk.
    private static unsafe double ResidentFraction(List<nint> blocks)
    {
        long resident = 0, pages = 0;
        var vector = stackalloc byte[BlockBytes / 4096 + 2];
        foreach (var block in blocks)
        {
            var start = ((nuint)block + PageSize + PageSize - 1) & ~(PageSize - 1);
            var end = ((nuint)block + BlockBytes) & ~(PageSize - 1);
            if (end <= start) continue;
            var count = (end - start) / PageSize;
            if (mincore((void*)start, end - start, vector) != 0) continue;
            for (nuint i = 0; i < count; i++) resident += vector[i] & 1;
            pages += (long)count;
        }
        return pages == 0 ? 0 : (double)resident / pages;
    }

    [DllImport("libc", SetLastError = true)]
    private static extern unsafe int mincore(void* address, nuint length, byte* vector);
}
