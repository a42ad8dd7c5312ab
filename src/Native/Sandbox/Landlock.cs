using System.Runtime.InteropServices;

namespace UmhActors.Native.Sandbox;

/// <summary>Confines the calling thread (and every thread and process it starts later) to a set of
/// path trees with Landlock (<c>landlock_create_ruleset</c>, <c>landlock_add_rule</c>,
/// <c>landlock_restrict_self</c>), using every access right the running kernel's ABI knows.</summary>
internal static unsafe class Landlock
{
    private const ulong Execute = 1, WriteFile = 2, ReadFile = 4, ReadDir = 8, Refer = 1 << 13, Truncate = 1 << 14, IoctlDev = 1 << 15;
    private const ulong AbiV1All = (1 << 13) - 1;
    private const ulong FileRights = Execute | WriteFile | ReadFile | Truncate | IoctlDev;
    private const ulong ReadOnly = Execute | ReadFile | ReadDir;
    private const ulong ScopeAbstractUnixSocket = 1, ScopeSignal = 2;
    private const uint CreateRulesetVersion = 1;
    private const int RulePathBeneath = 1;
    // Landlock's own flag to restrict every thread at once (newer kernels); EINVAL elsewhere.
    private const uint RestrictSelfTsync = 1 << 3;

    [StructLayout(LayoutKind.Sequential)]
    private struct RulesetAttr
    {
        public ulong HandledAccessFs;
        public ulong HandledAccessNet;
        public ulong Scoped;
    }

    [StructLayout(LayoutKind.Sequential, Pack = 1)]
    private struct PathBeneathAttr
    {
        public ulong AllowedAccess;
        public int ParentFd;
    }

    /// <summary>The kernel's Landlock ABI version; 0 when Landlock is not built in or disabled.</summary>
    public static int AbiVersion()
    {
        var version = SandboxLibc.Syscall(SandboxLibc.SYS_landlock_create_ruleset, 0, 0, (nint)CreateRulesetVersion);
        return version < 0 ? 0 : (int)version;
    }

    /// <summary>Applies the rules; returns true when every thread of the process was restricted
    /// (the kernel supports <c>TSYNC</c>), false when only the calling thread and its future children were.</summary>
    /// <exception cref="NativeCallException">A Landlock call or the open of a path failed.</exception>
    public static bool Restrict(IReadOnlyList<string> readOnly, IReadOnlyList<string> readWrite)
    {
        var abi = (int)SandboxLibc.Syscall(SandboxLibc.SYS_landlock_create_ruleset, 0, 0, (nint)CreateRulesetVersion);
        if (abi <= 0) throw NativeCallException.FromLastError("landlock_create_ruleset(LANDLOCK_CREATE_RULESET_VERSION)");
        var handled = AbiV1All | (abi >= 2 ? Refer : 0) | (abi >= 3 ? Truncate : 0) | (abi >= 5 ? IoctlDev : 0);
        var attr = new RulesetAttr
        {
            HandledAccessFs = handled,
            // Signals and abstract unix sockets only reach processes inside the same domain: the
            // helper cannot signal its host or other helpers even under the same uid.
            Scoped = abi >= 6 ? ScopeAbstractUnixSocket | ScopeSignal : 0,
        };
        var size = abi >= 6 ? 24 : abi >= 4 ? 16 : 8;
        var ruleset = (int)SandboxLibc.Syscall(SandboxLibc.SYS_landlock_create_ruleset, (nint)(&attr), size, 0);
        if (ruleset < 0) throw NativeCallException.FromLastError("landlock_create_ruleset");
        try
        {
            foreach (var path in readOnly) AddRule(ruleset, path, ReadOnly);
            foreach (var path in readWrite) AddRule(ruleset, path, handled);
            if (SandboxLibc.Syscall(SandboxLibc.SYS_landlock_restrict_self, ruleset, (nint)RestrictSelfTsync) == 0) return true;
            if (SandboxLibc.Syscall(SandboxLibc.SYS_landlock_restrict_self, ruleset, 0) != 0)
                throw NativeCallException.FromLastError("landlock_restrict_self");
            return false;
        }
        finally
        {
            SandboxLibc.close(ruleset);
        }
    }

    private static void AddRule(int ruleset, string path, ulong access)
    {
        var fd = SandboxLibc.open(path, SandboxLibc.O_PATH | SandboxLibc.O_CLOEXEC);
        if (fd < 0) throw NativeCallException.FromLastError($"open({path}, O_PATH)");
        try
        {
            // A rule on a file may only carry rights that make sense for a file.
            var rule = new PathBeneathAttr { AllowedAccess = Directory.Exists(path) ? access : access & FileRights, ParentFd = fd };
            if (SandboxLibc.Syscall(SandboxLibc.SYS_landlock_add_rule, ruleset, RulePathBeneath, (nint)(&rule)) != 0)
                throw NativeCallException.FromLastError($"landlock_add_rule({path})");
        }
        finally
        {
            SandboxLibc.close(fd);
        }
    }
}
