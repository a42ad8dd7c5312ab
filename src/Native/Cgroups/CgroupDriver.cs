using System.Diagnostics;
using System.Runtime.InteropServices;
using UmhActors.Native.Exit;
using UmhActors.Native.Interop;
using static Tmds.Linux.LibC;

namespace UmhActors.Native.Cgroups;

/// <summary>
/// The back-end-specific half of a <see cref="HelperCgroup"/>: which directories exist and which
/// control files mean what. The v1 and v2 drivers differ only in file names and in how freezing
/// and killing work.
/// </summary>
internal abstract class CgroupDriver(IReadOnlyList<string> directories, CgroupFsMimic? mimic)
{
    private static readonly TimeSpan RemoveRetryLimit = TimeSpan.FromSeconds(2);

    /// <summary>Every directory this cgroup owns; the first holds the memory controller.</summary>
    public IReadOnlyList<string> Directories { get; } = directories;

    /// <summary>True when the directories are a test's mimicking tree, not a cgroup file system.</summary>
    public bool IsMimic => mimic is not null;

    public abstract CgroupBackend Backend { get; }

    public abstract bool CanFreeze { get; }

    /// <summary>Sets the memory limit (no swap beyond it, where the kernel offers that knob).</summary>
    public abstract void SetMemoryLimit(long bytes);

    public abstract long ReadOomKillCount();

    /// <summary>Sets <c>pids.max</c> (a sandbox's task limit).</summary>
    public abstract void SetTaskLimit(int tasks);

    /// <summary>Sets a CPU quota of <paramref name="cpus"/> CPUs per 100 ms period (a sandbox's CPU quota).</summary>
    public abstract void SetCpuQuota(double cpus);

    /// <summary>Asks the kernel to freeze (true) or thaw (false); does not wait.</summary>
    public abstract void RequestFrozen(bool frozen);

    /// <summary>True once freezing has completed (not while still in progress).</summary>
    public abstract bool ReadFrozen();

    /// <summary>SIGKILL to every process still in the cgroup.</summary>
    public abstract void KillAll();

    /// <summary>For v1: the freezer state file, opened for writing and kept by a frozen helper's
    /// cgroup so that thawing it (to let a SIGKILL act) needs no new fd. Null for v2, where a
    /// frozen task acts on SIGKILL anyway.</summary>
    public virtual Handles.ControlFileHandle? OpenThawHandle() => null;

    /// <summary>Makes the directories; on failure removes those already made and rethrows.</summary>
    public void Create()
    {
        var made = new List<string>();
        try
        {
            foreach (var directory in Directories)
            {
                CgroupFs.MakeDirectory(directory);
                made.Add(directory);
                mimic?.DirectoryCreated(directory);
            }
        }
        catch
        {
            foreach (var directory in made) RemoveDirectory(directory, Stopwatch.GetTimestamp());
            throw;
        }
    }

    /// <summary>Moves <paramref name="pid"/> into every directory. Returns false when the process
    /// has already exited (a zombie cannot be moved: ESRCH), which a quick helper may do before
    /// placement; that is not a failure, there is just nothing left to limit.</summary>
    public bool Place(int pid)
    {
        foreach (var directory in Directories)
        {
            var procs = Path.Combine(directory, "cgroup.procs");
            var errno = CgroupFs.TryWrite(procs, pid + "\n");
            if (errno == Errno.ESRCH) return false;
            if (errno != 0) throw new CgroupException("write", procs, errno, $"moving pid {pid} in");
        }
        return true;
    }

    /// <summary>Kills what is left inside and removes every directory. rmdir fails with EBUSY
    /// while the kernel is still detaching exiting tasks, so it is retried (killing again
    /// between tries) for a bounded time.</summary>
    /// <exception cref="CgroupException">A directory could not be removed (the last errno).</exception>
    public void Remove()
    {
        var started = Stopwatch.GetTimestamp();
        // The usual case is an empty cgroup (its helper reaped): then rmdir alone, which needs no
        // fd, succeeds even when the host is out of fds. Only a busy one needs its tasks killed.
        foreach (var directory in Directories)
        {
            mimic?.RemovingDirectory(directory);
            RemoveDirectoryRetrying(directory, started, KillAllIfPossible);
        }
    }

    /// <summary>One rmdir per directory, in order, no retries; true when all are gone.</summary>
    public bool TryRemoveAtOnce()
    {
        foreach (var directory in Directories)
        {
            mimic?.RemovingDirectory(directory);
            if (CgroupFs.TryRemoveDirectory(directory) != 0) return false;
        }
        return true;
    }

    // Between rmdir tries: reading cgroup.procs needs an fd; without one, the next try (or the
    // next Remove) still has a chance once the kernel finishes detaching exited tasks.
    private void KillAllIfPossible()
    {
        try
        {
            KillAll();
        }
        catch (IOException)
        {
        }
    }

    /// <summary>SIGKILL to each pid listed in <paramref name="procsFile"/>: the helper's own
    /// descendants, since nothing else is ever placed in a helper's cgroup.</summary>
    internal static void KillListed(string procsFile)
    {
        foreach (var pid in CgroupFs.ReadPids(procsFile))
            if (kill(pid, SignalNames.SIGKILL) == -1 && Marshal.GetLastPInvokeError() != Errno.ESRCH)
                throw new NativeCallException($"kill({pid}, SIGKILL)", Marshal.GetLastPInvokeError());
    }

    /// <summary>rmdir, retried while the kernel reports EBUSY (tasks still detaching), calling
    /// <paramref name="killAgain"/> between tries, until <see cref="RemoveRetryLimit"/> after
    /// <paramref name="started"/>. With <paramref name="goneIsDone"/>, an already missing directory counts as removed.</summary>
    /// <exception cref="CgroupException">rmdir failed otherwise, or still EBUSY at the limit.</exception>
    internal static void RemoveDirectoryRetrying(string directory, long started, Action killAgain, bool goneIsDone = false)
    {
        while (true)
        {
            var errno = CgroupFs.TryRemoveDirectory(directory);
            if (errno == 0 || (goneIsDone && errno == Errno.ENOENT)) return;
            if (errno != Errno.EBUSY || Stopwatch.GetElapsedTime(started) > RemoveRetryLimit)
                throw new CgroupException("rmdir", directory, errno);
            killAgain();
            Thread.Sleep(5);
        }
    }

    private void RemoveDirectory(string directory, long started)
    {
        mimic?.RemovingDirectory(directory);
        RemoveDirectoryRetrying(directory, started, KillAll);
    }
}
