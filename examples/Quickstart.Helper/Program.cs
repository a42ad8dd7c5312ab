using System.Buffers;
using System.Runtime.InteropServices;
using MessagePack;
using UmhActors.Protocol.Runtime;

// A helper is an ordinary program: register methods, then run until the host closes stdin.
return await HelperRuntime.CreateBuilder("shouter")
    .Handle("shout", context => Encode(ReadText(context.Params).ToUpperInvariant() + "!"))
    .Handle("crash", _ =>
    {
        // A real segfault, as native code would crash: the host sees SIGSEGV.
        signal(11, 0);
        raise(11);
        return Encode("unreachable");
    })
    .Build()
    .RunAsync();

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

[DllImport("libc")]
static extern nint signal(int signum, nint handler);

[DllImport("libc")]
static extern int raise(int sig);
