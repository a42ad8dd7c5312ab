using System.Runtime.InteropServices;
using UmhActors.Protocol.Runtime;

// A helper is an ordinary program: register typed methods, then run until the host closes stdin.
// Params arrive as the request's params array, read with MessagePack's built-in formatters.
return HelperRuntime.CreateBuilder("shouter")
    .Handle<string[], string>("shout", words => string.Join(' ', words).ToUpperInvariant() + "!")
    .Handle<string[], string>("crash", _ =>
    {
        // A real segfault, as native code would crash: the host sees SIGSEGV.
        signal(11, 0);
        raise(11);
        return "unreachable";
    })
    .Handle<long[], string>("allocate", sizes => $"allocated {Allocate(sizes.FirstOrDefault())} MiB")
    .Build()
    .Run();

// Commits MEBIBYTES of memory for real (every page written), as a leaking decoder would: under a
// smaller cgroup memory limit the kernel's OOM killer ends the helper before this returns.
static unsafe long Allocate(long mebibytes)
{
    var size = (nuint)(mebibytes << 20);
    var memory = (byte*)NativeMemory.Alloc(size);
    for (nuint offset = 0; offset < size; offset += 4096) memory[offset] = 1;
    return mebibytes;
}

[DllImport("libc")]
static extern nint signal(int signum, nint handler);

[DllImport("libc")]
static extern int raise(int sig);
