using System.Runtime.InteropServices;
using UmhActors.Native.Launch;
using UmhActors.Native.Processes;

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
        var helpers = new List<HelperProcess>();
        var calls = new SortedSet<string>();
        var options = LaunchOptions.Default.WithStdio(StdioMode.Null).WithArguments("60");
        try
        {
            for (var i = 0; i < 10; i++)
            {
                try
                {
                    helpers.Add(HelperLauncher.LaunchPath("/bin/sleep", options));
                }
                catch (LaunchFailedException e)
                {
                    calls.Add($"{e.Call}:{e.ErrorName}:{(e.IsTransient ? "transient" : "permanent")}");
                    break;
                }
            }
            // A cap of threads+3 leaves room for 3 helpers, unless the runtime started a thread meanwhile.
            Console.WriteLine($"launched-under-cap={helpers.Count}");
            Console.WriteLine($"refused={string.Join(",", calls)}");
            // One helper exits and is reaped: its task no longer counts, so a launch fits again.
            if (helpers.Count > 0)
            {
                helpers[0].Dispose();
                helpers[0].Exited.Wait(TimeSpan.FromSeconds(10));
                helpers.RemoveAt(0);
            }
            string after;
            try
            {
                helpers.Add(HelperLauncher.LaunchPath("/bin/sleep", options));
                after = "ok";
            }
            catch (LaunchFailedException e)
            {
                after = $"{e.Call}:{e.ErrorName}";
            }
            Console.WriteLine($"after-exit={after}");
        }
        finally
        {
            foreach (var helper in helpers) helper.Dispose();
            Task.WaitAll(helpers.Select(h => h.Exited).ToArray(), TimeSpan.FromSeconds(10));
        }
        Console.WriteLine($"live-helpers={Native.Exit.LiveHelpers.Count}");
        Console.WriteLine($"zombies={Census.ZombieChildren()}");
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
