using UmhActors.Native.Launch;
using UmhActors.Native.Sandbox;

namespace UmhActors.Native.Tests.Sandbox;

/// <summary>The host's half of a sandbox, on a helper that knows nothing of it (/bin/sleep): the
/// rlimits set from outside, the spec in the environment, and what the verifier makes of it.</summary>
public sealed class OutsideLimitsTests
{
    private static readonly string Sleep = File.Exists("/bin/sleep") ? "/bin/sleep" : "/usr/bin/sleep";

    [Fact]
    public async Task A_launch_with_a_sandbox_sets_its_rlimits_on_the_child_and_passes_the_spec()
    {
        var sandbox = HelperSandbox.LimitsOnly.WithLimits(openFiles: 33, cpuSeconds: 7, addressSpaceBytes: 1L << 32);
        await using var helper = HelperLauncher.LaunchPath(Sleep, LaunchOptions.Default.WithArguments("5").WithSandbox(sandbox));

        var limits = await File.ReadAllLinesAsync($"/proc/{helper.Pid}/limits");
        Assert.Matches(@"^Max open files\s+33\s+33\s", limits.Single(l => l.StartsWith("Max open files")));
        Assert.Matches(@"^Max cpu time\s+7\s+8\s", limits.Single(l => l.StartsWith("Max cpu time")));
        Assert.Matches(@"^Max address space\s+4294967296\s+4294967296\s", limits.Single(l => l.StartsWith("Max address space")));
        Assert.Matches(@"^Max core file size\s+0\s+0\s", limits.Single(l => l.StartsWith("Max core file size")));
        var environment = (await File.ReadAllTextAsync($"/proc/{helper.Pid}/environ")).Split('\0');
        var spec = Assert.Single(environment, e => e.StartsWith(SandboxSpecCodec.VariableName + "=", StringComparison.Ordinal));
        Assert.Equal(sandbox, SandboxSpecCodec.Decode(spec[(SandboxSpecCodec.VariableName.Length + 1)..]) with { ReadOnlyPaths = [], ReadWritePaths = [], ExtraSystemCalls = [] });

        var verification = SandboxVerifier.Verify(helper.Pid, sandbox, [], []);
        Assert.True(verification.IsSatisfied, string.Join("; ", verification.Contradicted));
        Assert.Equal(SandboxParts.ResourceLimits, verification.Verified);
    }

    [Fact]
    public async Task The_verifier_contradicts_a_claim_the_process_does_not_live_up_to()
    {
        await using var helper = HelperLauncher.LaunchPath(Sleep, LaunchOptions.Default.WithArguments("5"));

        var verification = SandboxVerifier.Verify(helper.Pid, HelperSandbox.Default.WithoutNetwork(),
            SandboxCapabilities.For(SandboxParts.NoNewPrivileges | SandboxParts.Seccomp | SandboxParts.Network | SandboxParts.ResourceLimits), []);

        Assert.False(verification.IsSatisfied);
        Assert.Equal(SandboxParts.None, verification.NotReported);
        Assert.Contains(verification.Contradicted, p => p.EndsWith("NoNewPrivs: '0', expected '1'"));
        Assert.Contains(verification.Contradicted, p => p.EndsWith("Seccomp: '0', expected '2'"));
        // The core limit the spec asks for was never set from outside on this launch.
        Assert.Contains(verification.Contradicted, p => p.Contains("Max core file size"));
    }

    [Fact]
    public async Task The_verifier_names_required_parts_a_helper_did_not_report()
    {
        await using var helper = HelperLauncher.LaunchPath(Sleep, LaunchOptions.Default.WithArguments("5").WithSandbox(HelperSandbox.Default));

        var verification = SandboxVerifier.Verify(helper.Pid, HelperSandbox.Default, ["echo"], []);

        Assert.Equal(SandboxParts.NoNewPrivileges | SandboxParts.Seccomp, verification.NotReported);
        Assert.Empty(verification.Contradicted);
        Assert.False(verification.IsSatisfied);
    }
}
