using StreamJsonRpc;

namespace UmhActors.StreamJsonRpcPeer;

/// <summary>The methods the peer serves: the test helper's <c>echo</c>, same payload in and out.</summary>
public sealed class EchoTarget
{
    /// <summary>Returns its argument (the benchmark sends 32 bytes).</summary>
    [JsonRpcMethod("echo")]
    public byte[] Echo(byte[] payload) => payload;
}
