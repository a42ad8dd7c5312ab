using System.Runtime.InteropServices;
using UmhActors.Native.Launch;

namespace UmhActors.NativeFaultHost;

/// <summary>Pid exhaustion through <c>RLIMIT_NPROC</c>, for real: root is exempt from the limit
/// (and root here lacks CAP_SYS_RESOURCE, which would also exempt it), so this host drops to an
/// unprivileged uid no other process uses, caps <c>RLIMIT_NPROC</c> a few tasks above the threads
/// it runs (the kernel counts every task of the uid), launches helpers until the clone fails,
/// then lets one helper exit and launches again.</summary>
internal static unsafe partial class NprocLimit
{
    private const int RLIMIT_NPROC = 6;

    public static void Run(int uid)
    {
        // Warm the launch path (reactor thread, reaper) while unlimited: only the clone should meet the cap.
        using (var warm = HelperLauncher.LaunchPath("/bin/true", LaunchOptions.Default.WithStdio(StdioMode.Null)))
            warm.Exited.Wait(TimeSpan.FromSeconds(10));
        Check(setgroups(0, null), "setgroups");
        Check(setresgid(uid, uid, uid), "setresgid");
        Check(setresuid(uid, uid, uid), "setresuid");
        Console.WriteLine($"uid={getuid()}");
        var threads = Directory.GetDirectories("/proc/self/task").Length;
        var cap = (ulong)(threads + 3);
        var limit = stackalloc ulong[] { cap, cap };
        Check(setrlimit(RLIMIT_NPROC, limit), "setrlimit");
        using (var helpers = new HelpersUnderCap())
        {
            // A cap of threads+3 leaves room for 3 helpers, unless the runtime started a thread meanwhile.
            helpers.FillToCap();
            // One helper exits and is reaped: its task no longer counts, so a launch fits again.
            helpers.EndOne();
            Console.WriteLine($"after-exit={helpers.LaunchOnceMore()}");
        }
        HelpersUnderCap.ReportLeftovers();
        Console.WriteLine($"uid-tasks-left={UidProcesses(uid)}");
    }

    // Processes of the uid other than this host: the helpers it started, if any were left.
    private static int UidProcesses(int uid)
    {
        var self = Environment.ProcessId.ToString();
        var count = 0;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            var name = Path.GetFileName(dir);
            if (!int.TryParse(name, out _) || name == self) continue;
            try
            {
                var line = File.ReadLines(Path.Combine(dir, "status")).FirstOrDefault(l => l.StartsWith("Uid:"));
                if (line is not null && line.Split('\t', StringSplitOptions.RemoveEmptyEntries)[1] == uid.ToString()) count++;
            }
            catch (IOException)
            {
            }
        }
        return count;
    }

    private static void Check(int result, string call)
    {
        if (result != 0) throw new InvalidOperationException($"{call} failed: errno {Marshal.GetLastPInvokeError()}");
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int setgroups(nint size, uint* list);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int setresgid(int rgid, int egid, int sgid);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int setresuid(int ruid, int euid, int suid);

    [LibraryImport("libc")]
    private static partial int getuid();

    [LibraryImport("libc", SetLastError = true)]
    private static partial int setrlimit(int resource, ulong* limit);
}
