using System.Runtime.InteropServices;

namespace UmhActors.Native.Sandbox;

/// <summary>The libc calls and raw system calls the sandbox needs. C names and shapes; raw
/// <c>syscall</c> for Landlock and seccomp, which glibc does not wrap. The identity calls go
/// through glibc on purpose: its <c>setuid</c>/<c>setgid</c>/<c>setgroups</c> change every thread.</summary>
internal static unsafe partial class SandboxLibc
{
    // The full soname: NativeAOT resolves "libc" by probing a dozen paths and names (libc.so,
    // liblibc.so, …) on first use, which costs a sandboxed launch ~0.5 ms; "libc.so.6" is already loaded.
    private const string LibcName = "libc.so.6";

    public const int PR_SET_NAME = 15;
    public const int PR_SET_NO_NEW_PRIVS = 38;
    public const int PR_GET_NO_NEW_PRIVS = 39;
    public const int CLONE_NEWNET = 0x40000000;
    public const int RLIMIT_CPU = 0, RLIMIT_CORE = 4, RLIMIT_NPROC = 6, RLIMIT_NOFILE = 7, RLIMIT_AS = 9;
    public const int O_PATH = 0x200000, O_CLOEXEC = 0x80000, O_DIRECTORY = 0x10000;
    public const ulong RLIM_INFINITY = ulong.MaxValue;

    // Same numbers on x86-64 and arm64 (added after the tables merged).
    public const long SYS_landlock_create_ruleset = 444, SYS_landlock_add_rule = 445, SYS_landlock_restrict_self = 446;

    [StructLayout(LayoutKind.Sequential)]
    public struct RLimit
    {
        public ulong Current;
        public ulong Maximum;
    }

    [LibraryImport(LibcName, SetLastError = true)]
    public static partial long syscall(long number, nint a1, nint a2, nint a3, nint a4);

    [LibraryImport(LibcName, SetLastError = true)]
    public static partial int prctl(int option, nuint arg2, nuint arg3, nuint arg4, nuint arg5);

    [LibraryImport(LibcName, SetLastError = true)]
    public static partial int setrlimit(int resource, RLimit* limit);

    [LibraryImport(LibcName, SetLastError = true)]
    public static partial int prlimit(int pid, int resource, RLimit* newLimit, RLimit* oldLimit);

    [LibraryImport(LibcName, SetLastError = true)]
    public static partial int setgroups(nuint size, uint* list);

    [LibraryImport(LibcName, SetLastError = true)]
    public static partial int setresgid(uint rgid, uint egid, uint sgid);

    [LibraryImport(LibcName, SetLastError = true)]
    public static partial int setresuid(uint ruid, uint euid, uint suid);

    [LibraryImport(LibcName, SetLastError = true)]
    public static partial int unshare(int flags);

    [LibraryImport(LibcName, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int open(string path, int flags);

    [LibraryImport(LibcName, SetLastError = true)]
    public static partial int close(int fd);

    [LibraryImport(LibcName)]
    public static partial uint geteuid();

    /// <summary>-1 with errno as <see cref="Marshal.GetLastPInvokeError"/> on failure.</summary>
    public static long Syscall(long number, nint a1 = 0, nint a2 = 0, nint a3 = 0, nint a4 = 0) => syscall(number, a1, a2, a3, a4);
}
