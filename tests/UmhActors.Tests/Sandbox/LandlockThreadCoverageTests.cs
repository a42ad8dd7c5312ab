using System.Runtime.InteropServices;
using Akka.Actor;
using UmhActors.Requests;
using UmhActors.Native.Sandbox;
using UmhActors.Tests.Support;
using Xunit.Abstractions;
using static UmhActors.Tests.Sandbox.SandboxSupport;

namespace UmhActors.Tests.Sandbox;

/// <summary>Which threads of a NativeAOT helper Landlock confines. The helper enters its sandbox
/// first thing in main; threads started after that (the protocol runtime's reader and outbox, the
/// thread pool that runs handlers) inherit the domain. The runtime's finalizer thread exists
/// before main: only Landlock's <c>TSYNC</c> flag reaches it, and kernels without that flag leave
/// it outside, as docs/security.md says.</summary>
public sealed class LandlockThreadCoverageTests(ITestOutputHelper output) : HelperSpec(output)
{
    private const int EBADF = 9, EINVAL = 22;
    private const long SysLandlockRestrictSelf = 446;
    private const nint RestrictSelfTsync = 1 << 3;

    [LandlockFact]
    public async Task Landlock_confines_handler_threads_always_and_the_finalizer_thread_exactly_when_the_kernel_has_tsync()
    {
        var allowed = Directory.CreateTempSubdirectory("umh-sbx-threads-");
        try
        {
            var (helper, _) = await StartHelperAsync(Sandboxed(HelperSandbox.Default.WithFileSystem(readWrite: [allowed.FullName])));
            var tsync = KernelHasLandlockTsync();
            var fromHandler = await CallAsync(helper, "sandbox_open", "/etc/passwd", 0);
            var fromFinalizer = await CallAsync(helper, "sandbox_open_from_finalizer", "/etc/passwd");
            Output.WriteLine($"Landlock ABI {LandlockAbi}, TSYNC {(tsync ? "known" : "unknown")}: /etc/passwd from a handler errno {fromHandler}, from the finalizer errno {fromFinalizer}");

            Assert.Equal(EACCES, fromHandler);
            // -1 would mean the finalizer never ran; 0 is the documented gap (the open succeeded).
            Assert.Equal(tsync ? EACCES : 0, fromFinalizer);
        }
        finally
        {
            allowed.Delete(recursive: true);
        }
    }

    private async Task<long> CallAsync(IActorRef helper, string method, params object[] args) =>
        (await helper.Ask<HelperResponse>(Call(method, args), Patience)).GetResult<long>();

    // landlock_restrict_self checks its flags before its fd: EINVAL for a flag this kernel does not
    // know, EBADF (for fd -1) when it knows TSYNC. Nothing is restricted either way.
    private static bool KernelHasLandlockTsync()
    {
        if (Syscall(SysLandlockRestrictSelf, -1, RestrictSelfTsync, 0) != -1) throw new InvalidOperationException("landlock_restrict_self(-1) succeeded");
        var errno = Marshal.GetLastPInvokeError();
        return errno switch
        {
            EBADF => true,
            EINVAL => false,
            _ => throw new InvalidOperationException($"landlock_restrict_self(-1, TSYNC) failed with errno {errno}"),
        };
    }

    [DllImport("libc", EntryPoint = "syscall", SetLastError = true)]
    private static extern long Syscall(long number, nint a1, nint a2, nint a3);
}
