using UmhActors.Failures;
using UmhActors.Native.Sandbox;

namespace UmhActors.Helpers;

/// <summary>The readiness step of a sandboxed launch: after <c>$/hello</c> (on spawn for a plain msgpack-rpc helper, which reports nothing), before the helper is
/// served, its sandbox is checked from outside (<see cref="SandboxVerifier"/>).</summary>
internal static class HelperSandboxCheck
{
    /// <summary>Null when the helper may be served (also when no sandbox was asked for); otherwise
    /// why to kill it: <see cref="HostKillReason.ProtocolViolation"/> for a helper whose claims
    /// <c>/proc</c> contradicts, <see cref="HostKillReason.SandboxNotEntered"/> for one that did not
    /// report a required part (or whose <c>/proc</c> could not be read).</summary>
    public static (HostKillReason Reason, Exception Cause)? Check(HelperIncarnation helper, HelperOptions options, IReadOnlyList<string> capabilities)
    {
        if (options.Launch.Sandbox is not { } sandbox) return null;
        var process = helper.Process;
        SandboxVerification verification;
        try
        {
            verification = SandboxVerifier.Verify(process.Pid, sandbox, capabilities, process.Cgroup?.Paths ?? []);
        }
        catch (IOException e)
        {
            return (HostKillReason.SandboxNotEntered, e);
        }
        helper.Sandbox = verification;
        if (verification.IsSatisfied) return null;
        var failure = new SandboxVerificationException(process.Name, process.Pid, verification);
        return (failure.IsLie ? HostKillReason.ProtocolViolation : HostKillReason.SandboxNotEntered, failure);
    }
}
