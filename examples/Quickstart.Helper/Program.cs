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
    .Handle("allocate", context => Encode($"allocated {Allocate(ReadInt(context.Params))} MiB"))
    .Build()
    .RunAsync();

// Commits MEBIBYTES of memory for real (every page written), as a leaking decoder would: under a
// smaller cgroup memory limit the kernel's OOM killer ends the helper before this returns.
static unsafe long Allocate(long mebibytes)
{
    var size = (nuint)(mebibytes << 20);
    var memory = (byte*)NativeMemory.Alloc(size);
    for (nuint offset = 0; offset < size; offset += 4096) memory[offset] = 1;
    return mebibytes;
}

static string ReadText(ReadOnlyMemory<byte> parameters)
{
    var reader = new MessagePackReader(parameters);
    return reader.ReadArrayHeader() > 0 ? reader.ReadString() ?? "" : "";
}

static long ReadInt(ReadOnlyMemory<byte> parameters)
{
    var reader = new MessagePackReader(parameters);
    return reader.ReadArrayHeader() > 0 ? reader.ReadInt64() : 0;
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
