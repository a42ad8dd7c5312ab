namespace UmhActors.Native.Sandbox;

/// <summary>The spec's rlimits as (resource, soft, hard) triples, and their two ways in: <c>prlimit</c>
/// on the child from the host, <c>setrlimit</c> by the helper on itself.</summary>
internal static unsafe class ResourceLimits
{
    /// <summary>The limits <paramref name="sandbox"/> sets. CPU gets a hard limit one second above
    /// the soft one: <c>SIGXCPU</c> first (a crash the helper may report), <c>SIGKILL</c> if it survives that.</summary>
    public static IEnumerable<(int Resource, string Name, ulong Soft, ulong Hard)> Of(HelperSandbox sandbox)
    {
        if (sandbox.AddressSpaceBytes is { } a) yield return (SandboxLibc.RLIMIT_AS, "Max address space", (ulong)a, (ulong)a);
        if (sandbox.CpuSeconds is { } c) yield return (SandboxLibc.RLIMIT_CPU, "Max cpu time", (ulong)c, (ulong)c + 1);
        if (sandbox.OpenFiles is { } f) yield return (SandboxLibc.RLIMIT_NOFILE, "Max open files", (ulong)f, (ulong)f);
        if (sandbox.CoreBytes is { } core) yield return (SandboxLibc.RLIMIT_CORE, "Max core file size", (ulong)core, (ulong)core);
        if (sandbox.Processes is { } n) yield return (SandboxLibc.RLIMIT_NPROC, "Max processes", (ulong)n, (ulong)n);
    }

    /// <summary>Sets the limits on process <paramref name="pid"/> (0: this process).</summary>
    /// <exception cref="NativeCallException"><c>prlimit</c> failed (e.g. ESRCH: the child already exited).</exception>
    public static void Apply(int pid, HelperSandbox sandbox)
    {
        foreach (var (resource, name, soft, hard) in Of(sandbox))
        {
            var limit = new SandboxLibc.RLimit { Current = soft, Maximum = hard };
            if (SandboxLibc.prlimit(pid, resource, &limit, null) != 0)
                throw NativeCallException.FromLastError($"prlimit({pid}, {name})");
        }
    }
}
