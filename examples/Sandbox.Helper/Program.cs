using System.Buffers;
using MessagePack;
using UmhActors.Native.Sandbox;

// First line of main: enter the sandbox the host passed (Landlock, seccomp, no_new_privs, uid…)
// and announce it in $/hello. Nothing of this program runs before it.
return SandboxedHelper.CreateBuilder("reader")
    // A handler that trusts its input: it reads whatever path it is given. The sandbox, not
    // this code, decides what it may read.
    .Handle("read", context => Encode(File.ReadAllText(ReadText(context.Params))))
    .Build()
    .Run();

static string ReadText(ReadOnlyMemory<byte> parameters)
{
    var reader = new MessagePackReader(parameters);
    return reader.ReadArrayHeader() > 0 ? reader.ReadString() ?? "" : "";
}

static ReadOnlyMemory<byte> Encode(string text)
{
    var buffer = new ArrayBufferWriter<byte>();
    var writer = new MessagePackWriter(buffer);
    writer.Write(text);
    writer.Flush();
    return buffer.WrittenMemory;
}
