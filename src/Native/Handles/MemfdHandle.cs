namespace UmhActors.Native.Handles;

/// <summary>An anonymous, sealed in-memory file holding a helper blob (<c>memfd_create</c>).</summary>
public sealed class MemfdHandle : FileDescriptorHandle
{
    internal MemfdHandle(int fd) : base(fd) { }
}
