using UmhActors.Native.Handles;

namespace UmhActors.Native.Launch;

/// <summary>What a successful spawn hands over: the pid, its pidfd and the host's pipe ends.
/// The receiver owns every handle.</summary>
internal sealed record SpawnedChild(
    int Pid,
    PidfdHandle Pidfd,
    PipeEndHandle? StdinWrite,
    PipeEndHandle? StdoutRead,
    PipeEndHandle? StderrRead,
    long StartTimestamp);
