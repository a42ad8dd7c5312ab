using System.Runtime.InteropServices;

namespace UmhActors.Native.Interop;

/// <summary>
/// Direct libc and syscall imports that Tmds.LibC does not provide (posix_spawn family, pidfd
/// calls, waitid). Raw C names and shapes; the layer above gives them .NET shapes.
/// </summary>
internal static unsafe partial class Libc
{
    private const string LibcName = "libc";

    public const int POSIX_SPAWN_SETPGROUP = 0x02;
    public const int POSIX_SPAWN_SETSIGDEF = 0x04;
    public const int POSIX_SPAWN_SETSIGMASK = 0x08;

    public const int P_PIDFD = 3;
    public const int WEXITED = 4;
    public const int WNOHANG = 1;
    public const int WNOWAIT = 0x01000000;

    public const int RLIMIT_NOFILE = 7;

    public const int CLD_EXITED = 1;
    public const int CLD_KILLED = 2;
    public const int CLD_DUMPED = 3;

    public const uint MFD_CLOEXEC = 0x0001;
    public const uint MFD_ALLOW_SEALING = 0x0002;
    public const uint MFD_EXEC = 0x0010;

    public const int F_ADD_SEALS = 1033;
    public const int F_GET_SEALS = 1034;
    public const int F_SEAL_SEAL = 0x0001;
    public const int F_SEAL_SHRINK = 0x0002;
    public const int F_SEAL_GROW = 0x0004;
    public const int F_SEAL_WRITE = 0x0008;

    public const int F_GETFD = 1;
    public const int F_GETFL = 3;
    public const int F_SETFL = 4;
    public const int FD_CLOEXEC = 1;

    // Same values on x86-64 and arm64 (asm-generic).
    public const int O_RDONLY = 0;
    public const int O_WRONLY = 1;
    public const int O_NONBLOCK = 0x800;
    public const int O_CLOEXEC = 0x80000;

    /// <summary>Large enough for glibc's posix_spawnattr_t (336 bytes) and
    /// posix_spawn_file_actions_t (80 bytes) on every 64-bit target.</summary>
    public const int SpawnStructBytes = 1024;

    /// <summary>sizeof(siginfo_t) on Linux.</summary>
    public const int SiginfoBytes = 128;

    // syscall numbers: x86-64 and arm64 share these (they were added after the tables merged).
    private const long SYS_pidfd_send_signal = 424;
    private const long SYS_pidfd_open = 434;

    [LibraryImport(LibcName)]
    public static partial int posix_spawn(int* pid, byte* path, void* fileActions, void* attr, byte** argv, byte** envp);

    [LibraryImport(LibcName)]
    public static partial int posix_spawn_file_actions_init(void* fileActions);

    [LibraryImport(LibcName)]
    public static partial int posix_spawn_file_actions_destroy(void* fileActions);

    [LibraryImport(LibcName)]
    public static partial int posix_spawn_file_actions_adddup2(void* fileActions, int fd, int newFd);

    [LibraryImport(LibcName)]
    public static partial int posix_spawn_file_actions_addopen(void* fileActions, int fd, byte* path, int oflag, uint mode);

    [LibraryImport(LibcName)]
    public static partial int posix_spawn_file_actions_addclose(void* fileActions, int fd);

    [LibraryImport(LibcName)]
    public static partial int posix_spawnattr_init(void* attr);

    [LibraryImport(LibcName)]
    public static partial int posix_spawnattr_destroy(void* attr);

    [LibraryImport(LibcName)]
    public static partial int posix_spawnattr_setflags(void* attr, short flags);

    [LibraryImport(LibcName)]
    public static partial int posix_spawnattr_setpgroup(void* attr, int pgroup);

    [LibraryImport(LibcName)]
    public static partial int posix_spawnattr_setsigmask(void* attr, void* sigmask);

    [LibraryImport(LibcName)]
    public static partial int posix_spawnattr_setsigdefault(void* attr, void* sigdefault);

    [LibraryImport(LibcName)]
    public static partial int sigemptyset(void* set);

    [LibraryImport(LibcName)]
    public static partial int sigfillset(void* set);

    [LibraryImport(LibcName, SetLastError = true)]
    public static partial int waitid(int idtype, int id, void* infop, int options);

    [LibraryImport(LibcName, SetLastError = true)]
    private static partial long syscall(long number, long a1, long a2, long a3, long a4);

    [LibraryImport(LibcName, SetLastError = true)]
    public static partial int getpgid(int pid);

    [LibraryImport(LibcName, SetLastError = true)]
    public static partial int waitpid(int pid, int* status, int options);

    [LibraryImport(LibcName, SetLastError = true)]
    public static partial int getrlimit(int resource, RLimit* limit);

    [LibraryImport(LibcName, SetLastError = true)]
    public static partial long getdents64(int fd, byte* buffer, nuint count);

    [LibraryImport(LibcName, SetLastError = true)]
    public static partial long lseek(int fd, long offset, int whence);

    /// <summary>struct rlimit on 64-bit Linux.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct RLimit
    {
        public ulong Current;
        public ulong Maximum;
    }

    public static int pidfd_open(int pid, uint flags) => (int)syscall(SYS_pidfd_open, pid, flags, 0, 0);

    public static int pidfd_send_signal(int pidfd, int sig) => (int)syscall(SYS_pidfd_send_signal, pidfd, sig, 0, 0);
}
