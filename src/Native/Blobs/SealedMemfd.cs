using System.Text;
using UmhActors.Native.Handles;
using UmhActors.Native.Interop;
using Tmds.Linux;
using static Tmds.Linux.LibC;

namespace UmhActors.Native.Blobs;

/// <summary>
/// Writes bytes into an anonymous in-memory file and seals it, so nothing can change the
/// executable between write and exec and nothing ever touches the disk.
/// </summary>
internal static unsafe class SealedMemfd
{
    /// <summary>The seals every helper memfd carries.</summary>
    public const int RequiredSeals = Libc.F_SEAL_SEAL | Libc.F_SEAL_SHRINK | Libc.F_SEAL_GROW | Libc.F_SEAL_WRITE;

    private static volatile bool s_kernelRejectsMfdExec;

    /// <summary>Creates <c>memfd:NAME</c>, writes <paramref name="bytes"/>, seals it.</summary>
    public static MemfdHandle Create(string name, ReadOnlySpan<byte> bytes)
    {
        var handle = Open(name);
        try
        {
            WriteAll(handle.Fd, bytes);
            if (fcntl(handle.Fd, Libc.F_ADD_SEALS, RequiredSeals) == -1)
                throw NativeCallException.FromLastError("fcntl(F_ADD_SEALS)");
            return handle;
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>The seals currently set on <paramref name="memfd"/> (<c>F_GET_SEALS</c>).</summary>
    public static int GetSeals(MemfdHandle memfd) =>
        NativeCallException.ThrowIfFailed(fcntl(memfd.Fd, Libc.F_GET_SEALS), "fcntl(F_GET_SEALS)");

    private static MemfdHandle Open(string name)
    {
        // memfd names are limited to 249 bytes; the kernel rejects longer ones with EINVAL.
        var utf8 = Encoding.UTF8.GetBytes(name);
        if (utf8.Length > 240) utf8 = utf8[..240];
        var nameZ = new byte[utf8.Length + 1];
        utf8.CopyTo(nameZ, 0);
        fixed (byte* p = nameZ)
        {
            const uint baseFlags = Libc.MFD_CLOEXEC | Libc.MFD_ALLOW_SEALING;
            int fd = -1;
            // Kernels ≥ 6.3 want MFD_EXEC stated (vm.memfd_noexec); older ones reject the flag.
            if (!s_kernelRejectsMfdExec)
            {
                fd = memfd_create(p, baseFlags | Libc.MFD_EXEC);
                if (fd == -1 && System.Runtime.InteropServices.Marshal.GetLastPInvokeError() == Errno.EINVAL)
                    s_kernelRejectsMfdExec = true;
            }
            if (fd == -1 && s_kernelRejectsMfdExec)
                fd = memfd_create(p, baseFlags);
            if (fd == -1)
                throw NativeCallException.FromLastError("memfd_create");
            return new MemfdHandle(fd);
        }
    }

    private static void WriteAll(int fd, ReadOnlySpan<byte> bytes)
    {
        fixed (byte* start = bytes)
        {
            var written = 0;
            while (written < bytes.Length)
            {
                var n = write(fd, start + written, (size_t)(bytes.Length - written));
                if (n == -1)
                {
                    var errno = System.Runtime.InteropServices.Marshal.GetLastPInvokeError();
                    if (errno == Errno.EINTR) continue;
                    throw new NativeCallException("write(memfd)", errno);
                }
                written += (int)n;
            }
        }
    }
}
