using MessagePack;

namespace UmhActors.Protocol.Control;

/// <summary>The params of <c>$/hello</c>, the helper's first frame: <c>[version, name, pid, capabilities]</c>.</summary>
/// <param name="ProtocolVersion">The protocol version the helper speaks (<see cref="Control.ProtocolVersion.Current"/>).</param>
/// <param name="Name">The helper's self-reported name, for logs.</param>
/// <param name="Pid">The helper's process id as it sees it.</param>
/// <param name="Capabilities">Optional features the helper supports; free-form names.</param>
[MessagePackObject]
public sealed record HelloMessage(
    [property: Key(0)] int ProtocolVersion,
    [property: Key(1)] string Name,
    [property: Key(2)] int Pid,
    [property: Key(3)] IReadOnlyList<string> Capabilities);
