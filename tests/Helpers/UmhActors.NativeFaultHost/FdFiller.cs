using System.Runtime.InteropServices;

namespace UmhActors.NativeFaultHost;

/// <summary>Takes every free fd of this process (dup of /dev/null's fd until EMFILE), then gives
/// back as many as asked: the way to make exactly the next N fd allocations succeed.</summary>
internal sealed partial class FdFiller : IDisposable
{
    private readonly Stack<int> _held = new();

    /// <summary>Fills the table, then frees <paramref name="leaveFree"/> fds.</summary>
    public FdFiller(int leaveFree)
    {
        var source = File.OpenHandle("/dev/null");
        var fd = (int)source.DangerousGetHandle();
        while (true)
        {
            var copy = dup(fd);
            if (copy == -1) break;
            _held.Push(copy);
        }
        // The handle's own fd goes back first: it is one of the free ones.
        source.Dispose();
        if (leaveFree == 0 && _held.Count > 0)
        {
            var last = dup(_held.Peek());
            if (last != -1) _held.Push(last);
        }
        for (var i = 1; i < leaveFree && _held.Count > 0; i++) close(_held.Pop());
    }

    public void Dispose()
    {
        while (_held.Count > 0) close(_held.Pop());
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int dup(int fd);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int close(int fd);
}
