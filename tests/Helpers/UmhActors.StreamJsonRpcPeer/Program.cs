using StreamJsonRpc;
using UmhActors.StreamJsonRpcPeer;

// Serves EchoTarget on stdin/stdout until the host closes stdin.
var rpc = new JsonRpc(new LengthHeaderMessageHandler(Console.OpenStandardOutput(), Console.OpenStandardInput(), new MessagePackFormatter()));
rpc.AddLocalRpcTarget(new EchoTarget());
rpc.StartListening();
await rpc.Completion;
