using UmhActors.Helpers;
using UmhActors.Native.Launch;
using UmhActors.Native.Sandbox;
using UmhActors.Supervision;

namespace UmhActors.Tests.Sandbox;

/// <summary>What the sandbox tests share: options for a sandboxed test helper, and /proc reads.</summary>
internal static class SandboxSupport
{
    public const int EPERM = 1, EACCES = 13, EAGAIN = 11, EAFNOSUPPORT = 97, AF_UNIX = 1, AF_INET = 2, AF_INET6 = 10;

    /// <summary>Options that launch the test helper in <paramref name="sandbox"/>, with failures stopping it (no restart loops in tests).</summary>
    public static HelperOptions Sandboxed(HelperSandbox sandbox, LaunchOptions? launch = null) => HelperOptions.Default
        .WithLaunch((launch ?? LaunchOptions.Default).WithSandbox(sandbox))
        .WithSupervision(HelperSupervisionPolicy.Default
            .With(Failures.HelperFailureKind.ProtocolViolation, HelperDirective.Stop)
            .With(Failures.HelperFailureKind.Crashed, HelperDirective.Stop)
            .With(Failures.HelperFailureKind.Killed, HelperDirective.Stop));

    /// <summary>One field of every thread's /proc/PID/task/TID/status.</summary>
    public static IReadOnlyList<string> ThreadField(int pid, string field)
    {
        var values = new List<string>();
        foreach (var task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
        {
            string[] lines;
            // A thread may exit between the listing and the read (DirectoryNotFoundException is an IOException).
            try { lines = File.ReadAllLines(Path.Combine(task, "status")); }
            catch (IOException) { continue; }
            values.Add(lines.Single(l => l.StartsWith(field + ":", StringComparison.Ordinal))[(field.Length + 1)..].Trim());
        }
        return values;
    }

    public static string ProcessField(int pid, string field) => ThreadField(pid, field)[0];

    /// <summary>Why Landlock tests cannot run here; null when they can (the kernel reports an ABI version).</summary>
    public static string? NoLandlock => LandlockAbi > 0 ? null : "Landlock is not enabled in this kernel (landlock_create_ruleset(VERSION) failed)";

    /// <summary>The kernel's Landlock ABI version (0: none); signal scoping needs 6.</summary>
    public static long LandlockAbi => Math.Max(0, Syscall(444, 0, 0, 1));

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "syscall")]
    private static extern long Syscall(long number, nint a1, nint a2, nint a3);
}
