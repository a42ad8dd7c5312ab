namespace UmhActors.Native.Handles;

/// <summary>One end of an anonymous pipe (<c>pipe2</c>).</summary>
public sealed class PipeEndHandle : FileDescriptorHandle
{
    internal PipeEndHandle(int fd) : base(fd) { }
}
