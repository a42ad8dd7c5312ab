namespace UmhActors.Native.Handles;

/// <summary>An open cgroup control file kept open for later writes (the v1 <c>freezer.state</c> of
/// a frozen helper), so a write needs no free fd when it matters.</summary>
internal sealed class ControlFileHandle : FileDescriptorHandle
{
    internal ControlFileHandle(int fd) : base(fd) { }
}
