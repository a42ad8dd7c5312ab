using System.Diagnostics;
using UmhActors.Native.Blobs;
using UmhActors.Native.Cgroups;
using UmhActors.Native.Handles;
using UmhActors.Native.Io;
using UmhActors.Native.Processes;

namespace UmhActors.Native.Launch;

/// <summary>
/// Starts helpers: <c>fork_usermode_blob()</c> in user space. A blob runs from its sealed memfd;
/// a path runs from the file system.
/// </summary>
public static class HelperLauncher
{
    private static readonly object s_prepareGate = new();
    private static volatile bool s_prepared;

    // Everything a launch needs, loaded while fds are still free: an assembly first loaded at the
    // fd limit fails to load, and the runtime remembers that failure for good. JIT-compiling the
    // launch path's methods loads every assembly they name; the shared reactor (its thread, its
    // fds) is made now too. Not a static constructor: one that failed would fail for good.
    static HelperLauncher() => Prepare();

    /// <summary>Loads what launches need (see the static constructor) and initialises MessagePack's
    /// static state (see <see cref="StaticStateWarmup"/>); tried again at each launch until it has
    /// succeeded once.</summary>
    internal static void Prepare()
    {
        if (s_prepared) return;
        lock (s_prepareGate)
        {
            if (s_prepared) return;
            try
            {
                FdHeadroom.Prepare();
                StaticStateWarmup.PrepareTypes(LaunchPathTypes);
                _ = Reactor.Shared;
                // Users of the native layer alone serialize with MessagePack too (frame channels).
                s_prepared = StaticStateWarmup.PrepareMessagePack();
            }
            catch (IOException)
            {
                // Out of fds already (an assembly that cannot be opened, or the reactor's fds):
                // the launch that follows reports what fails, and the next one tries again.
            }
        }
    }

    private static Type[] LaunchPathTypes =>
    [
        typeof(HelperLauncher), typeof(PosixSpawner), typeof(FdHeadroom), typeof(LaunchOptions), typeof(LaunchFailedException),
        typeof(HelperProcess), typeof(Reactor), typeof(PipeEnd), typeof(PipeReadEnd), typeof(PipeWriteEnd), typeof(ReadinessSignal),
        typeof(Exit.ChildReaper), typeof(Exit.LiveHelpers), typeof(Exit.ExitStatus), typeof(Interop.OptionalLibc), typeof(Interop.Errno),
        typeof(Interop.NativeStrings), typeof(NativeCallException), typeof(LiveCgroups), typeof(HelperCgroup), typeof(CgroupDriver),
    ];

    /// <summary>
    /// Starts <paramref name="blob"/> as a child process and returns once the exec has succeeded.
    /// </summary>
    /// <exception cref="LaunchFailedException">The exec failed (errno tells why), a system call the
    /// launch needs failed (a pipe, the memfd, the reactor, the pidfd: <see cref="LaunchFailedException.Call"/>
    /// names it, and the <see cref="NativeCallException"/> is the inner exception), or the launch
    /// would have left fewer than <see cref="LaunchOptions.FdReserve"/> fds free. Nothing is left
    /// behind: a spawned child is killed and reaped.
    /// <see cref="LaunchFailedException.IsTransient"/> tells shortages (retry later) from errors.</exception>
    /// <exception cref="Blobs.BlobPinMismatchException">The blob does not match its SHA-256 pin; nothing ran.</exception>
    /// <exception cref="CgroupUnavailableException">Options ask for a cgroup (memory limit) that this
    /// machine cannot provide, and not to run without one; nothing ran.</exception>
    /// <exception cref="CgroupException">Creating the helper's cgroup or moving the helper into it
    /// failed; nothing is left behind (a spawned helper is killed, the cgroup removed).</exception>
    public static HelperProcess Launch(HelperBlob blob, LaunchOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(blob);
        options ??= LaunchOptions.Default;
        var begun = Stopwatch.GetTimestamp();
        Prepare();
        FdHeadroom.Ensure(blob.Name, options.FdReserve);
        MemfdHandle memfd;
        try
        {
            memfd = blob.GetSealedMemfd();
        }
        catch (NativeCallException e)
        {
            throw new LaunchFailedException(blob.Name, e.Call, e.ErrorNumber, e);
        }
        return Start(ExecTarget.ForMemfd(blob.Name, memfd, blob.IsScript), options, begun);
    }

    /// <summary>Starts the executable at <paramref name="path"/> (argv[0] defaults to the path).</summary>
    /// <exception cref="LaunchFailedException">See <see cref="Launch"/>.</exception>
    /// <exception cref="CgroupUnavailableException">See <see cref="Launch"/>.</exception>
    /// <exception cref="CgroupException">See <see cref="Launch"/>.</exception>
    public static HelperProcess LaunchPath(string path, LaunchOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        options ??= LaunchOptions.Default;
        var begun = Stopwatch.GetTimestamp();
        Prepare();
        FdHeadroom.Ensure(path, options.FdReserve);
        return Start(ExecTarget.ForPath(path), options, begun);
    }

    private static HelperProcess Start(ExecTarget target, LaunchOptions options, long begun) =>
        Start(target, options, options.UseCgroup || NeedsSandboxCgroup(options) ? CgroupSupport.Current : null, begun: begun);

    // A sandbox's cgroup limits need a cgroup even if a later WithCgroup(false) turned it off.
    private static bool NeedsSandboxCgroup(LaunchOptions options) => options.Sandbox is { MaxTasks: not null } or { CpuQuota: not null };

    /// <summary>Starts with an explicit cgroup back end (tests inject a mimicking one) and,
    /// optionally, an explicit reactor (tests use a private one to count its registrations).</summary>
    internal static HelperProcess Start(ExecTarget target, LaunchOptions options, CgroupAvailability? cgroups, Reactor? reactor = null, long begun = 0)
    {
        if (begun == 0) begun = Stopwatch.GetTimestamp();
        try
        {
            reactor ??= Reactor.Shared;
        }
        catch (NativeCallException e)
        {
            throw new LaunchFailedException(target.Name, e.Call, e.ErrorNumber, e);
        }
        var cgroup = CreateCgroup(target.Name, options, cgroups);
        var cgroupReady = Stopwatch.GetTimestamp();
        try
        {
            var child = PosixSpawner.Spawn(target, options, cgroup);
            var spawned = Stopwatch.GetTimestamp();
            var process = new HelperProcess(target.Name, child, reactor, cgroup);
            process.Timings = new LaunchTimings(begun, cgroupReady, spawned, Stopwatch.GetTimestamp());
            if (options.Sandbox is { } sandbox) LimitFromOutside(process, sandbox);
            return process;
        }
        catch (Exception failure)
        {
            // Any child is reaped by now; Remove kills what it may have started. The spawn's
            // own failure is the one worth reporting; a removal failure stays on RemovalError
            // and the cgroup stays listed for a retry (see LiveCgroups).
            try
            {
                cgroup?.Remove();
            }
            catch (IOException)
            {
            }
            if (failure is NativeCallException native)
                throw new LaunchFailedException(target.Name, native.Call, native.ErrorNumber, native);
            throw;
        }
    }

    // The sandbox's outside half: rlimits on the child right after spawn, before it can have run
    // much (it is still starting the runtime); the host checks them again after $/hello, and that
    // check is what gates serving. A child that exits meanwhile (ESRCH) is reported the usual way.
    // One that already switched to its sandbox uid is out of reach without CAP_SYS_RESOURCE (EPERM):
    // it set the same limits on itself before switching, and the check finds out if it did not.
    private static void LimitFromOutside(HelperProcess process, Sandbox.HelperSandbox sandbox)
    {
        try
        {
            Sandbox.ResourceLimits.Apply(process.Pid, sandbox);
        }
        catch (NativeCallException e) when (e.ErrorNumber == Interop.Errno.ESRCH || e.ErrorNumber == Interop.Errno.EPERM && sandbox.Uid is not null)
        {
        }
        catch
        {
            process.Dispose();
            throw;
        }
    }

    private static HelperCgroup? CreateCgroup(string name, LaunchOptions options, CgroupAvailability? cgroups)
    {
        if (cgroups is null) return null;
        // Sandbox limits are never dropped silently, whatever RunWithoutCgroupIfUnavailable says.
        if (NeedsSandboxCgroup(options))
            return cgroups.IsAvailable
                ? HelperCgroup.Create(cgroups, name, options.MemoryLimitBytes, options.Sandbox!.MaxTasks, options.Sandbox.CpuQuota)
                : throw new CgroupUnavailableException(name, cgroups.Reason);
        if (!options.UseCgroup) return null;
        if (cgroups.IsAvailable) return HelperCgroup.Create(cgroups, name, options.MemoryLimitBytes);
        return options.RunWithoutCgroupIfUnavailable ? null : throw new CgroupUnavailableException(name, cgroups.Reason);
    }
}
