using System.Runtime.InteropServices;
using System.Text;
using UmhActors.Native.Interop;
using static Tmds.Linux.LibC;

namespace UmhActors.Native.Cgroups;

/// <summary>
/// Raw file operations on cgroupfs through libc, so every failure carries the exact errno the
/// kernel chose (cgroupfs reports meaning through it: <c>EBUSY</c>, <c>EINVAL</c>, <c>EROFS</c>).
/// .NET's file APIs would hide it, and <c>Directory.Delete</c> would try to unlink control files.
/// </summary>
internal static unsafe class CgroupFs
{
    private const int W_OK = 2;

    /// <summary>The whole content of a control file.</summary>
    /// <exception cref="CgroupException">open or read failed.</exception>
    public static string Read(string path) =>
        TryRead(path, out var text, out var errno) ? text : throw new CgroupException("read", path, errno);

    /// <summary>The content, or null when the file does not exist (an optional interface file).</summary>
    public static string? ReadIfExists(string path) =>
        TryRead(path, out var text, out var errno) ? text
        : errno == Errno.ENOENT ? null
        : throw new CgroupException("read", path, errno);

    /// <summary>Writes <paramref name="text"/> with one write(2): each write to a control file is one command.</summary>
    /// <exception cref="CgroupException">open or write failed (errno is the kernel's verdict on the command).</exception>
    public static void Write(string path, string text)
    {
        var errno = TryWrite(path, text);
        if (errno != 0) throw new CgroupException("write", path, errno, $"writing '{text.TrimEnd()}'");
    }

    /// <summary>Writes when the file exists; returns false when it does not (optional interface).</summary>
    public static bool WriteIfExists(string path, string text)
    {
        var errno = TryWrite(path, text);
        if (errno == Errno.ENOENT) return false;
        if (errno != 0) throw new CgroupException("write", path, errno, $"writing '{text.TrimEnd()}'");
        return true;
    }

    /// <summary>0 on success, else errno.</summary>
    public static int TryWrite(string path, string text)
    {
        using var strings = new NativeStrings();
        var fd = open(strings.Add(path), Libc.O_WRONLY | Libc.O_CLOEXEC, 0);
        if (fd == -1) return Marshal.GetLastPInvokeError();
        try
        {
            var bytes = Encoding.ASCII.GetBytes(text);
            fixed (byte* p = bytes)
            {
                long n;
                do n = write(fd, p, bytes.Length);
                while (n == -1 && Marshal.GetLastPInvokeError() == Errno.EINTR);
                if (n == -1) return Marshal.GetLastPInvokeError();
                // cgroupfs consumes a command whole or fails it; a short write means a broken file.
                return n == bytes.Length ? 0 : Errno.EIO;
            }
        }
        finally
        {
            close(fd);
        }
    }

    /// <summary>Opens a control file for writing and keeps it open (see <see cref="TryWriteOpen"/>).</summary>
    /// <exception cref="CgroupException">open failed.</exception>
    public static Handles.ControlFileHandle OpenForWriting(string path)
    {
        using var strings = new NativeStrings();
        var fd = open(strings.Add(path), Libc.O_WRONLY | Libc.O_CLOEXEC, 0);
        return fd == -1 ? throw new CgroupException("open", path, Marshal.GetLastPInvokeError()) : new Handles.ControlFileHandle(fd);
    }

    /// <summary>One write(2) of <paramref name="text"/> through a control file opened earlier: needs
    /// no new fd. 0 on success, else errno.</summary>
    public static int TryWriteOpen(Handles.ControlFileHandle file, string text)
    {
        var bytes = Encoding.ASCII.GetBytes(text);
        var added = false;
        try
        {
            file.DangerousAddRef(ref added);
            fixed (byte* p = bytes)
            {
                long n;
                do n = pwrite(file.Fd, p, bytes.Length, 0);
                while (n == -1 && Marshal.GetLastPInvokeError() == Errno.EINTR);
                if (n == -1) return Marshal.GetLastPInvokeError();
                return n == bytes.Length ? 0 : Errno.EIO;
            }
        }
        finally
        {
            if (added) file.DangerousRelease();
        }
    }

    /// <summary>mkdir with mode 0755.</summary>
    /// <exception cref="CgroupException">mkdir failed (EEXIST, EACCES, EROFS, ENOSPC for too many cgroups…).</exception>
    public static void MakeDirectory(string path)
    {
        using var strings = new NativeStrings();
        if (mkdir(strings.Add(path), 0x1ed) == -1) throw new CgroupException("mkdir", path, Marshal.GetLastPInvokeError());
    }

    /// <summary>rmdir; 0 on success (or when the directory is already gone), else errno.</summary>
    public static int TryRemoveDirectory(string path)
    {
        using var strings = new NativeStrings();
        if (rmdir(strings.Add(path)) == 0) return 0;
        var errno = Marshal.GetLastPInvokeError();
        return errno == Errno.ENOENT ? 0 : errno;
    }

    /// <summary>0 when this process may create and write in <paramref name="directory"/>, else errno
    /// (EACCES: neither root nor delegated; EROFS: mounted read-only).</summary>
    public static int CheckWritable(string directory)
    {
        using var strings = new NativeStrings();
        return access(strings.Add(directory), W_OK) == 0 ? 0 : Marshal.GetLastPInvokeError();
    }

    /// <summary>The pids listed in a <c>cgroup.procs</c> file; empty when the cgroup is gone.</summary>
    public static IEnumerable<int> ReadPids(string procsFile) =>
        (ReadIfExists(procsFile) ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse);

    /// <summary>The number after <paramref name="key"/> in a flat-keyed file such as
    /// <c>memory.events</c> (<c>"oom_kill 2"</c>); null when the key is absent.</summary>
    public static long? ReadKey(string path, string key)
    {
        foreach (var line in Read(path).Split('\n'))
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 2 && parts[0] == key)
                return long.TryParse(parts[1], out var value) ? value
                    : throw new CgroupException("read", path, 0, $"'{key}' is not a number: '{parts[1]}'");
        }
        return null;
    }

    private static bool TryRead(string path, out string text, out int errno)
    {
        text = "";
        using var strings = new NativeStrings();
        var fd = open(strings.Add(path), Libc.O_RDONLY | Libc.O_CLOEXEC, 0);
        if (fd == -1)
        {
            errno = Marshal.GetLastPInvokeError();
            return false;
        }
        try
        {
            var result = new MemoryStream();
            var buffer = stackalloc byte[4096];
            while (true)
            {
                long n = read(fd, buffer, 4096);
                if (n == -1 && Marshal.GetLastPInvokeError() == Errno.EINTR) continue;
                if (n == -1)
                {
                    errno = Marshal.GetLastPInvokeError();
                    return false;
                }
                if (n == 0) break;
                result.Write(new ReadOnlySpan<byte>(buffer, (int)n));
            }
            text = Encoding.UTF8.GetString(result.GetBuffer(), 0, (int)result.Length);
            errno = 0;
            return true;
        }
        finally
        {
            close(fd);
        }
    }
}
