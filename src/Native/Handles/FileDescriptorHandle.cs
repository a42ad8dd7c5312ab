using System.Runtime.InteropServices;

namespace UmhActors.Native.Handles;

/// <summary>
/// Owns one file descriptor and closes it exactly once. Subclasses name the kernel object
/// behind the fd so ownership reads in signatures.
/// </summary>
public abstract class FileDescriptorHandle : SafeHandle
{
    /// <summary>Takes ownership of <paramref name="fd"/>.</summary>
    protected FileDescriptorHandle(int fd) : base(new IntPtr(-1), ownsHandle: true) => SetHandle(new IntPtr(fd));

    /// <inheritdoc />
    public override bool IsInvalid => handle.ToInt64() < 0;

    /// <summary>The raw descriptor number. Valid only while the handle is not closed.</summary>
    public int Fd => (int)handle.ToInt64();

    /// <inheritdoc />
    protected override bool ReleaseHandle() => Tmds.Linux.LibC.close(Fd) == 0;
}
