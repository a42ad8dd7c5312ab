namespace UmhActors.Native.Sandbox;

/// <summary>The system calls a sandboxed C# helper may make by default.</summary>
/// <remarks>
/// What the NativeAOT runtime, the helper runtime and ordinary helper work need: memory, threads,
/// futexes, signals, time, pipes and files (Landlock decides which), sockets (the network rule
/// decides which families), starting child processes (<c>clone</c> without namespace flags,
/// <c>execve</c>, <c>wait4</c>; <c>pids.max</c> bounds them). Left out on purpose: everything that
/// changes the system or escapes the sandbox (<c>mount</c>, <c>ptrace</c>, <c>bpf</c>,
/// <c>perf_event_open</c>, module loading, <c>kexec</c>, <c>reboot</c>, <c>unshare</c>, <c>setns</c>,
/// the <c>set*id</c> calls, <c>keyctl</c>, <c>userfaultfd</c>, <c>process_vm_*</c>, and
/// <c>io_uring_*</c>, whose operations seccomp cannot see). <c>clone3</c> fails with <c>ENOSYS</c> so
/// the C library falls back to <c>clone</c>, whose flags the filter can read.
/// </remarks>
public static class SeccompAllowList
{
    /// <summary>The default allow-list (names missing on this architecture, like <c>open</c> on arm64, are skipped).</summary>
    public static IReadOnlyList<string> Default { get; } =
    [
        // memory
        "brk", "mmap", "munmap", "mprotect", "mremap", "madvise", "mincore", "msync", "mlock", "munlock", "membarrier",
        "get_mempolicy", "set_mempolicy", "mbind", "memfd_create",
        // threads, futexes, scheduling
        "clone", "vfork", "fork", "futex", "futex_waitv", "set_robust_list", "get_robust_list", "set_tid_address", "rseq",
        "sched_yield", "sched_getaffinity", "sched_setaffinity", "sched_getparam", "sched_getscheduler",
        "sched_get_priority_max", "sched_get_priority_min", "getpriority", "setpriority", "arch_prctl", "prctl",
        // processes
        "execve", "execveat", "exit", "exit_group", "wait4", "waitid", "kill", "tgkill", "tkill", "pidfd_open", "pidfd_send_signal",
        "getpid", "getppid", "gettid", "getuid", "geteuid", "getgid", "getegid", "getgroups", "getresuid", "getresgid",
        "getpgid", "getpgrp", "getsid", "setpgid", "setsid", "capget", "getrlimit", "setrlimit", "prlimit64", "getrusage",
        "sysinfo", "uname", "umask", "getrandom", "restart_syscall",
        // signals and time
        "rt_sigaction", "rt_sigprocmask", "rt_sigreturn", "rt_sigsuspend", "rt_sigtimedwait", "rt_sigqueueinfo",
        "rt_tgsigqueueinfo", "sigaltstack", "pause", "nanosleep", "clock_nanosleep", "clock_gettime", "clock_getres",
        "gettimeofday", "time", "alarm", "getitimer", "setitimer", "timerfd_create", "timerfd_settime", "timerfd_gettime",
        // fds, pipes, polling
        "read", "write", "readv", "writev", "pread64", "pwrite64", "preadv", "pwritev", "preadv2", "pwritev2", "close",
        "close_range", "dup", "dup2", "dup3", "pipe", "pipe2", "fcntl", "ioctl", "flock", "lseek", "poll", "ppoll",
        "select", "pselect6", "epoll_create", "epoll_create1", "epoll_ctl", "epoll_wait", "epoll_pwait", "epoll_pwait2",
        "eventfd", "eventfd2", "signalfd", "signalfd4", "sendfile", "splice", "tee", "copy_file_range",
        // files (Landlock decides which)
        "open", "openat", "openat2", "creat", "stat", "fstat", "lstat", "newfstatat", "statx", "statfs", "fstatfs",
        "access", "faccessat", "faccessat2", "readlink", "readlinkat", "getdents", "getdents64", "getcwd", "chdir", "fchdir",
        "mkdir", "mkdirat", "rmdir", "unlink", "unlinkat", "rename", "renameat", "renameat2", "link", "linkat", "symlink",
        "symlinkat", "chmod", "fchmod", "fchmodat", "truncate", "ftruncate", "fallocate", "fsync", "fdatasync",
        "sync_file_range", "fadvise64", "utimensat",
        // sockets (the network rule decides which families)
        "socket", "socketpair", "connect", "bind", "listen", "accept", "accept4", "sendto", "recvfrom", "sendmsg",
        "recvmsg", "sendmmsg", "recvmmsg", "shutdown", "getsockname", "getpeername", "setsockopt", "getsockopt",
    ];
}
