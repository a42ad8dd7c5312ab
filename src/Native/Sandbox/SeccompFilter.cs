using System.Runtime.InteropServices;

namespace UmhActors.Native.Sandbox;

/// <summary>Builds the seccomp-bpf program for a spec (in managed memory) and installs it on every
/// thread of the process (<c>SECCOMP_FILTER_FLAG_TSYNC</c>).</summary>
/// <remarks>
/// The program: wrong architecture → kill; x32 numbers → kill; <c>socket</c> with a family other
/// than <c>AF_UNIX</c> → <c>EAFNOSUPPORT</c> when the network is off; <c>clone</c> with a
/// <c>CLONE_NEW*</c> flag → <c>EPERM</c>; <c>clone3</c> → <c>ENOSYS</c> (its flags are behind a
/// pointer the filter cannot read; the C library falls back to <c>clone</c>); each allowed number →
/// allow; anything else → the spec's action.
/// </remarks>
internal static unsafe class SeccompFilter
{
    private const ushort LdAbsW = 0x20, JeqK = 0x15, JgeK = 0x35, JsetK = 0x45, Ja = 0x05, RetK = 0x06;
    private const int MaxChunk = 250;
    private const uint RetKillProcess = 0x80000000, RetErrno = 0x00050000, RetAllow = 0x7fff0000;
    private const uint OffsetNr = 0, OffsetArch = 4, OffsetArg0 = 16;
    private const uint X32Bit = 0x40000000;
    private const uint AfUnix = 1;
    private const uint Eperm = 1, Enosys = 38, Eafnosupport = 97;
    private const uint CloneNamespaceFlags = 0x7E020000; // NEWNS | NEWCGROUP | NEWUTS | NEWIPC | NEWUSER | NEWPID | NEWNET
    private const int SeccompSetModeFilter = 1;
    private const int SeccompFilterFlagTsync = 1;

    [StructLayout(LayoutKind.Sequential)]
    private struct SockFilter
    {
        public ushort Code;
        public byte Jt;
        public byte Jf;
        public uint K;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct SockFprog
    {
        public ushort Length;
        public SockFilter* Filter;
    }

    /// <summary>The BPF program for <paramref name="sandbox"/>, as instructions.</summary>
    internal static List<(ushort Code, byte Jt, byte Jf, uint K)> Build(HelperSandbox sandbox)
    {
        var deny = sandbox.OnDeniedSystemCall == SeccompAction.KillProcess ? RetKillProcess : RetErrno | Eperm;
        var p = new List<(ushort, byte, byte, uint)>
        {
            (LdAbsW, 0, 0, OffsetArch),
            (JeqK, 1, 0, SeccompSyscalls.AuditArch),
            (RetK, 0, 0, RetKillProcess),
            (LdAbsW, 0, 0, OffsetNr),
        };
        if (SeccompSyscalls.AuditArch == 0xC000003E)
        {
            p.Add((JgeK, 0, 1, X32Bit));
            p.Add((RetK, 0, 0, RetKillProcess));
        }
        if (sandbox.Network == SandboxNetwork.None)
        {
            p.Add((JeqK, 0, 4, Number("socket")));
            p.Add((LdAbsW, 0, 0, OffsetArg0));
            p.Add((JeqK, 0, 1, AfUnix));
            p.Add((RetK, 0, 0, RetAllow));
            p.Add((RetK, 0, 0, RetErrno | Eafnosupport));
        }
        if (!sandbox.FilterSystemCalls)
        {
            // Only the socket rule was asked for.
            p.Add((RetK, 0, 0, RetAllow));
            return p;
        }
        p.Add((JeqK, 0, 4, Number("clone")));
        p.Add((LdAbsW, 0, 0, OffsetArg0));
        p.Add((JsetK, 0, 1, CloneNamespaceFlags));
        p.Add((RetK, 0, 0, RetErrno | Eperm));
        p.Add((RetK, 0, 0, RetAllow));
        p.Add((JeqK, 0, 1, Number("clone3")));
        p.Add((RetK, 0, 0, RetErrno | Enosys));
        var allowed = new SortedSet<uint>();
        foreach (var name in SeccompAllowList.Default.Concat(sandbox.ExtraSystemCalls))
            if (SeccompSyscalls.TryGetNumber(name, out var number)) allowed.Add((uint)number);
        // One comparison per allowed call, jumping to a shared "allow" after its chunk (BPF jump
        // offsets are 8 bits): half the instructions of jeq/ret pairs, so the kernel checks and
        // JIT-compiles the filter at launch in half the time.
        foreach (var chunk in allowed.Chunk(MaxChunk))
        {
            for (var i = 0; i < chunk.Length; i++) p.Add((JeqK, (byte)(chunk.Length - i), 0, chunk[i]));
            p.Add((Ja, 0, 0, 1));
            p.Add((RetK, 0, 0, RetAllow));
        }
        p.Add((RetK, 0, 0, deny));
        return p;
    }

    /// <summary>Installs the filter on every thread. Needs <c>no_new_privs</c> (or <c>CAP_SYS_ADMIN</c>).</summary>
    /// <exception cref="NativeCallException"><c>seccomp</c> failed; with TSYNC a positive result names a thread that could not be synchronised.</exception>
    public static void Install(HelperSandbox sandbox)
    {
        var program = Build(sandbox);
        var filter = new SockFilter[program.Count];
        for (var i = 0; i < program.Count; i++)
            filter[i] = new SockFilter { Code = program[i].Code, Jt = program[i].Jt, Jf = program[i].Jf, K = program[i].K };
        fixed (SockFilter* instructions = filter)
        {
            var prog = new SockFprog { Length = (ushort)filter.Length, Filter = instructions };
            var result = SandboxLibc.Syscall(Number("seccomp"), SeccompSetModeFilter, SeccompFilterFlagTsync, (nint)(&prog));
            if (result < 0) throw NativeCallException.FromLastError("seccomp(SECCOMP_SET_MODE_FILTER, TSYNC)");
            if (result > 0) throw new NativeCallException($"seccomp(SECCOMP_SET_MODE_FILTER, TSYNC): thread {result} could not be synchronised", 1);
        }
    }

    private static uint Number(string name) =>
        SeccompSyscalls.TryGetNumber(name, out var number) ? (uint)number : throw new PlatformNotSupportedException($"no system call '{name}' on this architecture");
}
