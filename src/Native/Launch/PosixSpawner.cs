using System.Diagnostics;
using System.Runtime.InteropServices;
using UmhActors.Native.Cgroups;
using UmhActors.Native.Handles;
using UmhActors.Native.Interop;
using static Tmds.Linux.LibC;

namespace UmhActors.Native.Launch;

/// <summary>
/// The spawn path, top to bottom: make the pipes, describe the child's fds, spawn with
/// <c>posix_spawn</c> (glibc's is vfork-based and safe in a multithreaded runtime; managed code
/// never forks), take a pidfd, close the child's pipe ends in the host.
/// </summary>
/// <remarks>
/// A blob runs as <c>/proc/self/fd/3</c>: the child closes every inherited fd from 3 up, then
/// opens the host's memfd (through <c>/proc/HOSTPID/fd/N</c>) as its fd 3 and execs it. For ELF
/// blobs fd 3 is close-on-exec, so the helper sees exactly 0, 1 and 2. A <c>#!</c> script's
/// interpreter opens <c>/proc/self/fd/3</c> after exec, so for scripts fd 3 stays open — the
/// case <c>MFD_CLOEXEC</c> would otherwise break.
/// </remarks>
internal static unsafe class PosixSpawner
{
    private const int BlobFd = 3;
    private static readonly int HostPid = Environment.ProcessId;

    /// <summary>Spawns; when <paramref name="cgroup"/> is given, moves the child into it before
    /// anything else happens in the host (the child is already running its exec'd image).</summary>
    public static SpawnedChild Spawn(ExecTarget target, LaunchOptions options, HelperCgroup? cgroup = null)
    {
        PipeEndHandle? stdinRead = null, stdinWrite = null, stdoutRead = null, stdoutWrite = null, stderrRead = null, stderrWrite = null;
        var memfdAdded = false;
        var fileActions = NativeMemory.AllocZeroed(Libc.SpawnStructBytes);
        var attr = NativeMemory.AllocZeroed(Libc.SpawnStructBytes);
        var sigset = NativeMemory.AllocZeroed(Libc.SpawnStructBytes);
        var fileActionsReady = false;
        var attrReady = false;
        using var strings = new NativeStrings();
        try
        {
            if (options.Stdio == StdioMode.Pipes)
            {
                (stdinRead, stdinWrite) = CreatePipe();
                (stdoutRead, stdoutWrite) = CreatePipe();
                (stderrRead, stderrWrite) = CreatePipe();
            }

            Check(Libc.posix_spawn_file_actions_init(fileActions), "posix_spawn_file_actions_init");
            fileActionsReady = true;
            Check(Libc.posix_spawnattr_init(attr), "posix_spawnattr_init");
            attrReady = true;

            if (options.Stdio == StdioMode.Pipes)
            {
                Check(Libc.posix_spawn_file_actions_adddup2(fileActions, stdinRead!.Fd, 0), "posix_spawn_file_actions_adddup2");
                Check(Libc.posix_spawn_file_actions_adddup2(fileActions, stdoutWrite!.Fd, 1), "posix_spawn_file_actions_adddup2");
                Check(Libc.posix_spawn_file_actions_adddup2(fileActions, stderrWrite!.Fd, 2), "posix_spawn_file_actions_adddup2");
            }
            else
            {
                var devNull = strings.Add("/dev/null");
                Check(Libc.posix_spawn_file_actions_addopen(fileActions, 0, devNull, Libc.O_RDONLY, 0), "posix_spawn_file_actions_addopen");
                Check(Libc.posix_spawn_file_actions_addopen(fileActions, 1, devNull, Libc.O_WRONLY, 0), "posix_spawn_file_actions_addopen");
                Check(Libc.posix_spawn_file_actions_addopen(fileActions, 2, devNull, Libc.O_WRONLY, 0), "posix_spawn_file_actions_addopen");
            }

            CloseInheritedFds(fileActions);

            if (OptionalLibc.AddChdir != null)
                Check(OptionalLibc.AddChdir(fileActions, strings.Add(options.WorkingDirectory)), "posix_spawn_file_actions_addchdir_np");
            else if (options.WorkingDirectory != Environment.CurrentDirectory)
                throw new PlatformNotSupportedException("this C library lacks posix_spawn_file_actions_addchdir_np (glibc ≥ 2.29), so the helper's working directory cannot be set");

            byte* execPath;
            if (target.Memfd is { } memfd)
            {
                memfd.DangerousAddRef(ref memfdAdded);
                var hostView = strings.Add($"/proc/{HostPid}/fd/{memfd.Fd}");
                var flags = Libc.O_RDONLY | (target.IsScript ? 0 : Libc.O_CLOEXEC);
                Check(Libc.posix_spawn_file_actions_addopen(fileActions, BlobFd, hostView, flags, 0), "posix_spawn_file_actions_addopen");
                execPath = strings.Add($"/proc/self/fd/{BlobFd}");
            }
            else
            {
                execPath = strings.Add(target.Path!);
            }

            Check(Libc.posix_spawnattr_setflags(attr, (short)(Libc.POSIX_SPAWN_SETPGROUP | Libc.POSIX_SPAWN_SETSIGMASK | Libc.POSIX_SPAWN_SETSIGDEF)), "posix_spawnattr_setflags");
            Check(Libc.posix_spawnattr_setpgroup(attr, 0), "posix_spawnattr_setpgroup");
            Libc.sigemptyset(sigset);
            Check(Libc.posix_spawnattr_setsigmask(attr, sigset), "posix_spawnattr_setsigmask");
            // The runtime ignores SIGPIPE and handles others; ignored dispositions survive exec,
            // so every signal is reset to its default in the helper.
            Libc.sigfillset(sigset);
            Check(Libc.posix_spawnattr_setsigdefault(attr, sigset), "posix_spawnattr_setsigdefault");

            var argv = new List<string> { options.Argv0 ?? target.Name };
            argv.AddRange(options.Arguments);
            var argvNative = strings.AddArray(argv);
            var envpNative = strings.AddArray(options.BuildEnvironment().ToList());

            // Under a v1 memory limit the child starts inside its cgroup (see SpawnInside).
            var inside = cgroup?.EnterForSpawn();
            (int Pid, PidfdHandle Pidfd) spawned;
            try
            {
                spawned = SpawnWithPidfd(target.Name, execPath, fileActions, attr, argvNative, envpNative);
            }
            catch
            {
                inside?.Dispose();
                throw;
            }
            var (pid, pidfd) = spawned;
            var started = Stopwatch.GetTimestamp();
            try
            {
                inside?.Dispose();
                inside = null;
                cgroup?.Place(pid);
                // The child holds its own copies now; the host keeps only its ends.
                stdinRead?.Dispose();
                stdoutWrite?.Dispose();
                stderrWrite?.Dispose();
                SetNonBlocking(stdinWrite);
                SetNonBlocking(stdoutRead);
                SetNonBlocking(stderrRead);
            }
            catch
            {
                // A helper that cannot be placed must not run outside its limit, and one whose
                // pipes cannot be set up has no owner: kill its group and reap it here (it was
                // spawned microseconds ago and nothing else waits for it).
                KillAndReap(pid, pidfd);
                pidfd.Dispose();
                inside?.Dispose();
                throw;
            }
            return new SpawnedChild(pid, pidfd, stdinWrite, stdoutRead, stderrRead, started);
        }
        catch
        {
            stdinWrite?.Dispose();
            stdoutRead?.Dispose();
            stderrRead?.Dispose();
            throw;
        }
        finally
        {
            stdinRead?.Dispose();
            stdoutWrite?.Dispose();
            stderrWrite?.Dispose();
            if (memfdAdded) target.Memfd!.DangerousRelease();
            if (fileActionsReady) Libc.posix_spawn_file_actions_destroy(fileActions);
            if (attrReady) Libc.posix_spawnattr_destroy(attr);
            NativeMemory.Free(fileActions);
            NativeMemory.Free(attr);
            NativeMemory.Free(sigset);
        }
    }

    private static (int Pid, PidfdHandle Pidfd) SpawnWithPidfd(string name, byte* path, void* fileActions, void* attr, byte** argv, byte** envp)
    {
        if (OptionalLibc.PidfdSpawn != null && OptionalLibc.PidfdGetPid != null)
        {
            // glibc ≥ 2.39: the pidfd exists from the first instant; no pid-reuse window.
            int fd;
            var rc = OptionalLibc.PidfdSpawn(&fd, path, fileActions, attr, argv, envp);
            if (rc != 0) throw new LaunchFailedException(name, "pidfd_spawn", rc);
            var handle = new PidfdHandle(fd);
            // glibc reads /proc/self/fdinfo/N for this, which needs a free fd: it can fail at the
            // fd limit, and a child we cannot name by pid cannot be signalled as a group.
            var spawnedPid = OptionalLibc.PidfdGetPid(fd);
            if (spawnedPid <= 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                Libc.pidfd_send_signal(fd, Exit.SignalNames.SIGKILL);
                WaitForExit(handle);
                handle.Dispose();
                throw new LaunchFailedException(name, "pidfd_getpid", errno);
            }
            return (spawnedPid, handle);
        }

        int pid;
        var error = Libc.posix_spawn(&pid, path, fileActions, attr, argv, envp);
        // glibc reports exec failures here (and reaps the failed child itself).
        if (error != 0) throw new LaunchFailedException(name, "posix_spawn", error);
        // The child is ours and unreaped (nothing else waits for it), so its pid cannot have
        // been reused yet: pidfd_open right after spawn is race-free here.
        var pidfd = Libc.pidfd_open(pid, 0);
        if (pidfd == -1)
        {
            var errno = Marshal.GetLastPInvokeError();
            // Unreaped, the child is still ours alone: kill its group and reap it by pid, or it
            // stays a zombie for the host's lifetime (no pidfd will ever report it).
            killpg(pid, Exit.SignalNames.SIGKILL);
            int status;
            while (Libc.waitpid(pid, &status, 0) == -1 && Marshal.GetLastPInvokeError() == Errno.EINTR) { }
            throw new LaunchFailedException(name, "pidfd_open", errno);
        }
        return (pid, new PidfdHandle(pidfd));
    }

    /// <summary>SIGKILL to the group of a child nothing else reaps yet, then a blocking reap: the
    /// zombie leader pins the group's number until the reap, so the kill reaches only its group.</summary>
    internal static void KillAndReap(int pid, PidfdHandle pidfd)
    {
        killpg(pid, Exit.SignalNames.SIGKILL);
        WaitForExit(pidfd);
    }

    private static void WaitForExit(PidfdHandle pidfd)
    {
        var info = stackalloc byte[Libc.SiginfoBytes];
        while (Libc.waitid(Libc.P_PIDFD, pidfd.Fd, info, Libc.WEXITED) == -1 && Marshal.GetLastPInvokeError() == Errno.EINTR) { }
    }

    private static void CloseInheritedFds(void* fileActions)
    {
        if (OptionalLibc.AddCloseFrom != null)
        {
            Check(OptionalLibc.AddCloseFrom(fileActions, 3), "posix_spawn_file_actions_addclosefrom_np");
            return;
        }
        // Older glibc: close every fd the host has open without FD_CLOEXEC (best effort; fds
        // opened concurrently without CLOEXEC by other code could still slip through).
        foreach (var entry in Directory.EnumerateFileSystemEntries("/proc/self/fd"))
        {
            if (!int.TryParse(Path.GetFileName(entry), out var fd) || fd < 3) continue;
            var fdFlags = fcntl(fd, Libc.F_GETFD);
            if (fdFlags != -1 && (fdFlags & Libc.FD_CLOEXEC) == 0)
                Check(Libc.posix_spawn_file_actions_addclose(fileActions, fd), "posix_spawn_file_actions_addclose");
        }
    }

    private static (PipeEndHandle Read, PipeEndHandle Write) CreatePipe()
    {
        var fds = stackalloc int[2];
        if (pipe2(fds, Libc.O_CLOEXEC) == -1) throw NativeCallException.FromLastError("pipe2");
        return (new PipeEndHandle(fds[0]), new PipeEndHandle(fds[1]));
    }

    private static void SetNonBlocking(PipeEndHandle? end)
    {
        if (end is null) return;
        var flags = fcntl(end.Fd, Libc.F_GETFL);
        if (flags == -1) throw NativeCallException.FromLastError("fcntl(F_GETFL)");
        if (fcntl(end.Fd, Libc.F_SETFL, flags | Libc.O_NONBLOCK) == -1) throw NativeCallException.FromLastError("fcntl(F_SETFL)");
    }

    /// <summary>posix_spawn helpers return the error number instead of setting errno.</summary>
    private static void Check(int result, string call)
    {
        if (result != 0) throw new NativeCallException(call, result);
    }
}
