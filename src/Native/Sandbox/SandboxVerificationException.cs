namespace UmhActors.Native.Sandbox;

/// <summary>
/// A helper's sandbox is not what was asked: it did not report entering the required in-helper
/// parts (<see cref="IsLie"/> false: a launch failure, e.g. a helper in another language given a
/// spec with in-helper parts), or <c>/proc</c> contradicts what it claimed or a limit the host set
/// (<see cref="IsLie"/> true: a protocol violation). Either way the helper was killed unserved.
/// </summary>
public sealed class SandboxVerificationException : Exception
{
    /// <summary>Creates the exception for helper <paramref name="helperName"/> (pid <paramref name="pid"/>).</summary>
    public SandboxVerificationException(string helperName, int pid, SandboxVerification verification)
        : base(Describe(helperName, pid, verification))
    {
        HelperName = helperName;
        Pid = pid;
        Verification = verification;
    }

    /// <summary>The helper's name.</summary>
    public string HelperName { get; }

    /// <summary>The helper's pid.</summary>
    public int Pid { get; }

    /// <summary>What the check found.</summary>
    public SandboxVerification Verification { get; }

    /// <summary>True when the helper claimed what it did not do (or undid a limit); false when it just did not report a required part.</summary>
    public bool IsLie => Verification.Contradicted.Count > 0;

    private static string Describe(string name, int pid, SandboxVerification v) => v.Contradicted.Count > 0
        ? $"helper '{name}' (pid {pid}) is not in the sandbox it claims: {string.Join("; ", v.Contradicted)}"
        : $"helper '{name}' (pid {pid}) did not report entering the in-helper sandbox parts its spec requires ({v.NotReported}); " +
          "a C# helper must start with SandboxedHelper.CreateBuilder, and a helper in another language can only get the outside parts (HelperSandbox.LimitsOnly)";
}
