using System.Diagnostics;
using System.Reflection;
using StreamJsonRpc;

namespace UmhActors.Benchmarks.Infrastructure;

/// <summary>
/// The StreamJsonRpc child (tests/Helpers/UmhActors.StreamJsonRpcPeer) started with
/// System.Diagnostics.Process, and a <see cref="JsonRpc"/> with the MessagePack formatter over its
/// stdin/stdout: what a .NET service would write with StreamJsonRpc instead of this library.
/// </summary>
internal sealed class StreamJsonRpcPeer : IDisposable
{
    private readonly Process _process;

    private StreamJsonRpcPeer(Process process, JsonRpc rpc)
    {
        _process = process;
        Rpc = rpc;
    }

    public JsonRpc Rpc { get; }

    public static StreamJsonRpcPeer Start()
    {
        var path = typeof(StreamJsonRpcPeer).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "StreamJsonRpcPeer").Value!;
        if (!File.Exists(path)) throw new FileNotFoundException($"the StreamJsonRpc peer is not built at {path}", path);
        var process = Process.Start(new ProcessStartInfo(path)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        })!;
        var rpc = new JsonRpc(new LengthHeaderMessageHandler(process.StandardInput.BaseStream, process.StandardOutput.BaseStream, new MessagePackFormatter()));
        rpc.StartListening();
        return new StreamJsonRpcPeer(process, rpc);
    }

    /// <summary>One echo of <paramref name="payload"/>; checks the answer's length.</summary>
    public async Task EchoAsync(byte[] payload)
    {
        var answer = await Rpc.InvokeAsync<byte[]>("echo", payload);
        if (answer.Length != payload.Length) throw new InvalidOperationException("StreamJsonRpc peer answered a different payload");
    }

    /// <summary>Closes the pipes (the peer exits on EOF) and reaps it.</summary>
    public void Dispose()
    {
        Rpc.Dispose();
        if (!_process.WaitForExit(5000)) _process.Kill();
        _process.Dispose();
    }
}
