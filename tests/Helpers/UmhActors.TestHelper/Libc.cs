using System.Runtime.InteropServices;

namespace UmhActors.TestHelper;

/// <summary>The few libc calls the test helper needs to misbehave for real.</summary>
internal static partial class Libc
{
    public const int SIGTERM = 15;
    public const int SIGKILL = 9;
    public const int SIGSEGV = 11;
    public const int PR_SET_PDEATHSIG = 1;
    public static readonly IntPtr SIG_DFL = 0;
    public static readonly IntPtr SIG_IGN = 1;

    [LibraryImport("libc", SetLastError = true)]
    public static partial int prctl(int option, nuint arg2, nuint arg3, nuint arg4, nuint arg5);

    [LibraryImport("libc")]
    public static partial IntPtr signal(int signum, IntPtr handler);

    [LibraryImport("libc")]
    public static partial int raise(int sig);

    [LibraryImport("libc")]
    public static partial void abort();
}
