using UmhActors.Native.Interop;

namespace UmhActors.Native.Cgroups;

/// <summary>
/// A file operation on cgroupfs failed: creating, writing, reading or removing a cgroup
/// directory or one of its control files. Carries the operation, the path and errno, so the
/// message reads <c>"cgroup write '/sys/fs/cgroup/x/memory.max': EINVAL (Invalid argument)"</c>.
/// </summary>
public sealed class CgroupException : IOException
{
    /// <summary>Creates the exception for <paramref name="operation"/> on <paramref name="path"/>
    /// failing with <paramref name="errno"/> (0 when the failure is not an errno, e.g. a timeout
    /// or unparsable content; <paramref name="detail"/> then says what went wrong).</summary>
    public CgroupException(string operation, string path, int errno, string? detail = null, Exception? inner = null)
        : base($"cgroup {operation} '{path}': " + (errno != 0 ? $"{Errno.Name(errno)} ({Errno.Describe(errno)})" : "") +
               (detail is null ? "" : (errno != 0 ? ": " : "") + detail), inner)
    {
        Operation = operation;
        Path = path;
        ErrorNumber = errno;
        if (errno != 0) HResult = errno;
    }

    /// <summary>What was attempted: <c>"mkdir"</c>, <c>"write"</c>, <c>"read"</c>, <c>"rmdir"</c>, <c>"freeze"</c>…</summary>
    public string Operation { get; }

    /// <summary>The directory or control file the operation was on.</summary>
    public string Path { get; }

    /// <summary>The errno value, or 0 when the failure was not a failed system call.</summary>
    public int ErrorNumber { get; }

    /// <summary>The symbolic errno name (<c>"EBUSY"</c>), or null when <see cref="ErrorNumber"/> is 0.</summary>
    public string? ErrorName => ErrorNumber != 0 ? Errno.Name(ErrorNumber) : null;
}
