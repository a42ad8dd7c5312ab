namespace UmhActors.Native.Sandbox;

/// <summary>How a helper reports the sandbox it entered: capability names in <c>$/hello</c>.</summary>
/// <remarks><c>sandbox</c> says the helper read a spec; <c>sandbox:PART</c> names each part it
/// applied. The host believes none of them until it has checked what it can from outside.</remarks>
public static class SandboxCapabilities
{
    /// <summary>Announced by every helper that entered a sandbox.</summary>
    public const string Entered = "sandbox";

    private static readonly (SandboxParts Part, string Name)[] Names =
    [
        (SandboxParts.NoNewPrivileges, "sandbox:nnp"),
        (SandboxParts.Identity, "sandbox:identity"),
        (SandboxParts.Landlock, "sandbox:landlock"),
        (SandboxParts.Network, "sandbox:network"),
        (SandboxParts.Seccomp, "sandbox:seccomp"),
        (SandboxParts.ResourceLimits, "sandbox:rlimits"),
    ];

    /// <summary>The capability names for <paramref name="applied"/> (with <see cref="Entered"/> first).</summary>
    public static IReadOnlyList<string> For(SandboxParts applied) =>
        [Entered, .. Names.Where(n => (applied & n.Part) != 0).Select(n => n.Name)];

    /// <summary>The parts <paramref name="capabilities"/> claim; <see cref="SandboxParts.None"/> without <see cref="Entered"/>.</summary>
    public static SandboxParts Parse(IEnumerable<string> capabilities)
    {
        var set = capabilities.ToHashSet(StringComparer.Ordinal);
        if (!set.Contains(Entered)) return SandboxParts.None;
        var parts = SandboxParts.None;
        foreach (var (part, name) in Names)
            if (set.Contains(name)) parts |= part;
        return parts;
    }
}
