using UmhActors.Native.Blobs;
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
    public static HelperProcess Launch(HelperBlob blob, LaunchOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(blob);
        var target = ExecTarget.ForMemfd(blob.Name, blob.GetSealedMemfd(), blob.IsScript);
        return Start(target, options ?? LaunchOptions.Default);
    }

    /// <summary>Starts the executable at <paramref name="path"/> (argv[0] defaults to the path).</summary>
    /// <exception cref="LaunchFailedException">The exec failed (errno tells why).</exception>
    public static HelperProcess LaunchPath(string path, LaunchOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return Start(ExecTarget.ForPath(path), options ?? LaunchOptions.Default);
    }

    private static HelperProcess Start(ExecTarget target, LaunchOptions options)
    {
        var reactor = Reactor.Shared;
        var child = PosixSpawner.Spawn(target, options);
        return new HelperProcess(target.Name, child, reactor);
    }
}
