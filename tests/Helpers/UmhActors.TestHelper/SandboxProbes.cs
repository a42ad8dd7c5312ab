using System.Runtime.InteropServices;
using UmhActors.Protocol.Runtime;

namespace UmhActors.TestHelper;

/// <summary>Methods that try what a sandbox must stop, and report the errno the kernel gave.</summary>
internal static unsafe partial class SandboxProbes
{
    private const int O_RDONLY = 0, O_WRONLY = 1, O_CREAT = 0x40, O_CLOEXEC = 0x80000, SOCK_STREAM = 1;

    public static HelperRuntimeBuilder AddSandboxProbes(this HelperRuntimeBuilder builder) => builder
        // [path, write] → 0 when the open succeeded, else its errno.
        .Handle("sandbox_open", context =>
        {
            var flags = (Args.Int(context.Params, 1) != 0 ? O_WRONLY | O_CREAT : O_RDONLY) | O_CLOEXEC;
            var fd = open(Args.Text(context.Params, 0), flags, 0x1a4);
            if (fd < 0) return Args.Encode(Marshal.GetLastPInvokeError());
            close(fd);
            return Args.Encode(0);
        })
        // [family] → 0 when socket(family, SOCK_STREAM) succeeded, else its errno.
        .Handle("sandbox_socket", context =>
        {
            var fd = socket((int)Args.Int(context.Params, 0), SOCK_STREAM, 0);
            if (fd < 0) return Args.Encode(Marshal.GetLastPInvokeError());
            close(fd);
            return Args.Encode(0);
        })
        // [pid, signal] → 0 when kill(pid, signal) succeeded, else its errno.
        .Handle("sandbox_kill", context =>
            Args.Encode(kill((int)Args.Int(context.Params, 0), (int)Args.Int(context.Params, 1)) == 0 ? 0 : Marshal.GetLastPInvokeError()))
        // [] → 0 when unshare(CLONE_NEWNET) succeeded (this thread left the host's network), else its errno.
        .Handle("sandbox_unshare_net", _ => Args.Encode(unshare(0x40000000) == 0 ? 0 : Marshal.GetLastPInvokeError()))
        // [path] → like sandbox_open (read), but from the runtime's finalizer thread, which existed
        // before main and so before the sandbox was entered.
        .Handle("sandbox_open_from_finalizer", context => Args.Encode(OpenFromFinalizer(Args.Text(context.Params, 0))))
        // [n] → "started,errno": spawns up to n `sleep 30` children (stdio closed), stopping at the
        // first failure; they stay, in the helper's process group and cgroup, until it is killed.
        .Handle("sandbox_spawn_many", context => Args.Encode(SpawnMany((int)Args.Int(context.Params, 0))));

    private static long OpenFromFinalizer(string path)
    {
        var result = new StrongBox(path);
        for (var attempt = 0; attempt < 10 && result.Errno == -1; attempt++)
        {
            Allocate(result);
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
        return result.Errno;
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static void Allocate(StrongBox result) => _ = new OpensWhenFinalized(result);

    private sealed class StrongBox(string path)
    {
        public string Path { get; } = path;

        public volatile int Errno = -1;
    }

    private sealed class OpensWhenFinalized(StrongBox result)
    {
        ~OpensWhenFinalized()
        {
            var fd = open(result.Path, O_RDONLY | O_CLOEXEC, 0);
            if (fd >= 0) close(fd);
            result.Errno = fd >= 0 ? 0 : Marshal.GetLastPInvokeError();
        }
    }

    private static string SpawnMany(int n)
    {
        var sleep = File.Exists("/bin/sleep") ? "/bin/sleep" : "/usr/bin/sleep";
        var path = Marshal.StringToCoTaskMemUTF8(sleep);
        var arg = Marshal.StringToCoTaskMemUTF8("30");
        var argv = stackalloc nint[] { path, arg, 0 };
        var envp = stackalloc nint[] { 0 };
        var actions = stackalloc byte[1024];
        posix_spawn_file_actions_init(actions);
        for (var fd = 0; fd <= 2; fd++) posix_spawn_file_actions_addclose(actions, fd);
        try
        {
            for (var started = 0; started < n; started++)
            {
                int pid;
                var error = posix_spawn(&pid, path, actions, null, argv, envp);
                if (error != 0) return $"{started},{error}";
            }
            return $"{n},0";
        }
        finally
        {
            posix_spawn_file_actions_destroy(actions);
            Marshal.FreeCoTaskMem(path);
            Marshal.FreeCoTaskMem(arg);
        }
    }

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int open(string path, int flags, int mode);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int close(int fd);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int kill(int pid, int signal);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int unshare(int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int socket(int domain, int type, int protocol);

    [LibraryImport("libc")]
    private static partial int posix_spawn(int* pid, nint path, void* fileActions, void* attributes, nint* argv, nint* envp);

    [LibraryImport("libc")]
    private static partial int posix_spawn_file_actions_init(void* actions);

    [LibraryImport("libc")]
    private static partial int posix_spawn_file_actions_addclose(void* actions, int fd);

    [LibraryImport("libc")]
    private static partial int posix_spawn_file_actions_destroy(void* actions);
}
