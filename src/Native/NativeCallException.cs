using System.Runtime.InteropServices;
using UmhActors.Native.Interop;

namespace UmhActors.Native;

/// <summary>
/// A system call failed. Carries the call's name and errno so callers can inspect the failure
/// instead of parsing text; the message reads <c>"pidfd_open: ESRCH (No such process)"</c>.
/// </summary>
public sealed class NativeCallException : IOException
{
    /// <summary>Creates the exception for <paramref name="call"/> failing with <paramref name="errno"/>.</summary>
    public NativeCallException(string call, int errno)
        : base($"{call}: {Errno.Name(errno)} ({Errno.Describe(errno)})")
    {
        Call = call;
        ErrorNumber = errno;
        HResult = errno;
    }

    /// <summary>The C function or system call that failed, e.g. <c>"memfd_create"</c>.</summary>
    public string Call { get; }

    /// <summary>The errno value the call reported.</summary>
    public int ErrorNumber { get; }

    /// <summary>The symbolic errno name, e.g. <c>"ENOEXEC"</c>.</summary>
    public string ErrorName => Errno.Name(ErrorNumber);

    /// <summary>Throws for the errno of the last P/Invoke on this thread.</summary>
    internal static NativeCallException FromLastError(string call) => new(call, Marshal.GetLastPInvokeError());

    /// <summary>Returns <paramref name="result"/>, or throws naming <paramref name="call"/> when it is -1.</summary>
    internal static int ThrowIfFailed(int result, string call) =>
        result == -1 ? throw FromLastError(call) : result;
}
