using UmhActors.Native.Blobs;
using UmhActors.Native.Cgroups;
using UmhActors.Native.Io;
using UmhActors.Native.Processes;

namespace UmhActors.Native.Launch;

/// <summary>
/// Starts helpers: <c>fork_usermode_blob()</c> in user space. A blob runs from its sealed memfd;
/// a path runs from the file system.
/// </summary>
public static class HelperLauncher
{
    /// <summary>
    /// Starts <paramref name="blob"/> as a child process and returns once the exec has succeeded.
    /// </summary>
    /// <exception cref="LaunchFailedException">The exec failed (errno tells why).</exception>
    /// <exception cref="Blobs.BlobPinMismatchException">The blob does not match its SHA-256 pin; nothing ran.</exception>
    /// <exception cref="NativeCallException">A pipe, memfd or other system call failed.</exception>
    /// <exception cref="CgroupUnavailableException">Options ask for a cgroup (memory limit) that this
    /// machine cannot provide, and not to run without one; nothing ran.</exception>
    /// <exception cref="CgroupException">Creating the helper's cgroup or moving the helper into it
    /// failed; nothing is left behind (a spawned helper is killed, the cgroup removed).</exception>
    public static HelperProcess Launch(HelperBlob blob, LaunchOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(blob);
        var target = ExecTarget.ForMemfd(blob.Name, blob.GetSealedMemfd(), blob.IsScript);
        return Start(target, options ?? LaunchOptions.Default);
    }

    /// <summary>Starts the executable at <paramref name="path"/> (argv[0] defaults to the path).</summary>
    /// <exception cref="LaunchFailedException">The exec failed (errno tells why).</exception>
    /// <exception cref="CgroupUnavailableException">See <see cref="Launch"/>.</exception>
    /// <exception cref="CgroupException">See <see cref="Launch"/>.</exception>
    public static HelperProcess LaunchPath(string path, LaunchOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return Start(ExecTarget.ForPath(path), options ?? LaunchOptions.Default);
    }

    private static HelperProcess Start(ExecTarget target, LaunchOptions options) =>
        Start(target, options, options.UseCgroup ? CgroupSupport.Current : null);

    /// <summary>Starts with an explicit cgroup back end (tests inject a mimicking one).</summary>
    internal static HelperProcess Start(ExecTarget target, LaunchOptions options, CgroupAvailability? cgroups)
    {
        var reactor = Reactor.Shared;
        var cgroup = CreateCgroup(target.Name, options, cgroups);
        SpawnedChild child;
        try
        {
            child = PosixSpawner.Spawn(target, options, cgroup);
        }
        catch
        {
            // Any child is reaped by now; Remove kills what it may have started. The spawn's
            // own failure is the one worth reporting (a removal failure stays on RemovalError).
            try
            {
                cgroup?.Remove();
            }
            catch (IOException)
            {
            }
            throw;
        }
        return new HelperProcess(target.Name, child, reactor, cgroup);
    }

    private static HelperCgroup? CreateCgroup(string name, LaunchOptions options, CgroupAvailability? cgroups)
    {
        if (!options.UseCgroup || cgroups is null) return null;
        if (cgroups.IsAvailable) return HelperCgroup.Create(cgroups, name, options.MemoryLimitBytes);
        return options.RunWithoutCgroupIfUnavailable ? null : throw new CgroupUnavailableException(name, cgroups.Reason);
    }
}
