namespace UmhActors.Native.Sandbox;

/// <summary>Applies a spec's in-helper parts to the calling process, in the only order that works:
/// limits; the network namespace and the identity switch (they need the privileges the switch
/// drops); <c>no_new_privs</c>; Landlock (needs <c>no_new_privs</c>); seccomp last (its allow-list
/// leaves out the calls made before it).</summary>
internal static unsafe class SandboxApplier
{
    /// <summary>Returns what was applied.</summary>
    /// <exception cref="NativeCallException">A step failed.</exception>
    public static SandboxParts Apply(HelperSandbox sandbox)
    {
        var applied = SandboxParts.None;
        if ((sandbox.Parts & SandboxParts.ResourceLimits) != 0)
        {
            ResourceLimits.Apply(0, sandbox);
            applied |= SandboxParts.ResourceLimits;
        }
        if (sandbox.Network == SandboxNetwork.None && sandbox.NewNetworkNamespace && SandboxLibc.unshare(SandboxLibc.CLONE_NEWNET) != 0)
            throw NativeCallException.FromLastError("unshare(CLONE_NEWNET)");
        if (sandbox is { Uid: { } uid })
        {
            var gid = (uint)(sandbox.Gid ?? uid);
            // glibc's set*id wrappers change every thread of the process, not just this one.
            if (SandboxLibc.setgroups(0, null) != 0) throw NativeCallException.FromLastError("setgroups(0)");
            if (SandboxLibc.setresgid(gid, gid, gid) != 0) throw NativeCallException.FromLastError($"setresgid({gid})");
            if (SandboxLibc.setresuid((uint)uid, (uint)uid, (uint)uid) != 0) throw NativeCallException.FromLastError($"setresuid({uid})");
            applied |= SandboxParts.Identity;
        }
        if ((sandbox.Parts & SandboxParts.NoNewPrivileges) != 0)
        {
            if (SandboxLibc.prctl(SandboxLibc.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) throw NativeCallException.FromLastError("prctl(PR_SET_NO_NEW_PRIVS)");
            applied |= SandboxParts.NoNewPrivileges;
        }
        if (sandbox.RestrictFileSystem)
        {
            Landlock.Restrict(sandbox.ReadOnlyPaths, sandbox.ReadWritePaths);
            applied |= SandboxParts.Landlock;
        }
        // The socket rule is part of the filter, so network-off installs one even without the allow-list.
        if (sandbox.FilterSystemCalls || sandbox.Network == SandboxNetwork.None)
        {
            if ((applied & SandboxParts.NoNewPrivileges) == 0 && SandboxLibc.prctl(SandboxLibc.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
                throw NativeCallException.FromLastError("prctl(PR_SET_NO_NEW_PRIVS)");
            SeccompFilter.Install(sandbox);
            if (sandbox.FilterSystemCalls) applied |= SandboxParts.Seccomp;
            if (sandbox.Network == SandboxNetwork.None) applied |= SandboxParts.Network;
        }
        return applied;
    }
}
