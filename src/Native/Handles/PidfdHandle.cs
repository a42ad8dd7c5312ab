namespace UmhActors.Native.Handles;

/// <summary>A process file descriptor (<c>pidfd_open</c>): a handle that never refers to a reused pid.</summary>
public sealed class PidfdHandle : FileDescriptorHandle
{
    internal PidfdHandle(int fd) : base(fd) { }
}
