namespace UmhActors.Native.Sandbox;

/// <summary>What the host found when it checked a helper's sandbox from outside
/// (<see cref="SandboxVerifier.Verify"/>).</summary>
/// <param name="Required">The parts the spec asks for.</param>
/// <param name="Claimed">The parts the helper announced in <c>$/hello</c>.</param>
/// <param name="Verified">The parts confirmed from <c>/proc</c> and the cgroup files.</param>
/// <param name="Unverified">Parts in force by the helper's word only: Landlock (the kernel shows
/// no Landlock state in <c>/proc</c>).</param>
/// <param name="NotReported">Required in-helper parts the helper did not announce (it did not
/// enter its sandbox: a helper not built on <see cref="SandboxedHelper"/>).</param>
/// <param name="Contradicted">What <c>/proc</c> shows against the claims or the spec, one line each
/// (e.g. <c>"thread 1234: Seccomp: 0, expected 2"</c>): the helper lied or undid a limit.</param>
public sealed record SandboxVerification(
    SandboxParts Required,
    SandboxParts Claimed,
    SandboxParts Verified,
    SandboxParts Unverified,
    SandboxParts NotReported,
    IReadOnlyList<string> Contradicted)
{
    /// <summary>True when the helper may be served: everything required was reported and nothing contradicted.</summary>
    public bool IsSatisfied => NotReported == SandboxParts.None && Contradicted.Count == 0;
}
