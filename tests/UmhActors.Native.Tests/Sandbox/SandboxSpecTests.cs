using UmhActors.Native.Sandbox;

namespace UmhActors.Native.Tests.Sandbox;

/// <summary>The sandbox spec: validated when built, carried whole to the helper, and turned into
/// the seccomp program the helper installs.</summary>
public sealed class SandboxSpecTests
{
    private static readonly HelperSandbox Everything = HelperSandbox.Default
        .WithLimits(addressSpaceBytes: 8L << 30, cpuSeconds: 5, openFiles: 64, coreBytes: 0, processes: 100)
        .WithCgroupLimits(maxTasks: 32, cpuQuota: 0.5)
        .WithFileSystem(readOnly: ["/usr", "/etc/ssl/odd path;with=chars"], readWrite: ["/tmp/work"])
        .WithoutNetwork(newNamespace: true)
        .WithSystemCalls("ptrace")
        .WithDeniedSystemCall(SeccompAction.KillProcess)
        .WithIdentity(65534, 65533);

    [Fact]
    public void A_spec_survives_the_trip_through_the_environment_variable()
    {
        var decoded = SandboxSpecCodec.Decode(SandboxSpecCodec.Encode(Everything));

        Assert.Equal(Everything with { ReadOnlyPaths = [], ReadWritePaths = [], ExtraSystemCalls = [] },
            decoded with { ReadOnlyPaths = [], ReadWritePaths = [], ExtraSystemCalls = [] });
        Assert.Equal(Everything.ReadOnlyPaths, decoded.ReadOnlyPaths);
        Assert.Equal(Everything.ReadWritePaths, decoded.ReadWritePaths);
        Assert.Equal(Everything.ExtraSystemCalls, decoded.ExtraSystemCalls);
        Assert.Equal(HelperSandbox.Default with { ReadOnlyPaths = [], ReadWritePaths = [], ExtraSystemCalls = [] },
            SandboxSpecCodec.Decode(SandboxSpecCodec.Encode(HelperSandbox.Default)) with { ReadOnlyPaths = [], ReadWritePaths = [], ExtraSystemCalls = [] });
    }

    [Theory]
    [InlineData("")]
    [InlineData("umh-sandbox 2\nnnp=1\n")]
    [InlineData("umh-sandbox 1\nnnp=1\nlandlock_v9=1\n")]
    [InlineData("umh-sandbox 1\nnnp=yes\n")]
    [InlineData("umh-sandbox 1\nnet=some\n")]
    [InlineData("umh-sandbox 1\nuid\n")]
    public void A_spec_the_helper_does_not_fully_understand_is_refused(string text) =>
        Assert.Throws<FormatException>(() => SandboxSpecCodec.Decode(text));

    [Fact]
    public void Invalid_fields_are_refused_when_the_spec_is_built()
    {
        Assert.Throws<ArgumentException>(() => HelperSandbox.Default.WithFileSystem(readOnly: ["relative/path"]));
        Assert.Throws<ArgumentException>(() => HelperSandbox.Default.WithFileSystem(readWrite: ["/a\nb"]));
        Assert.Throws<ArgumentException>(() => HelperSandbox.Default.WithSystemCalls("no_such_call"));
        Assert.Throws<ArgumentOutOfRangeException>(() => HelperSandbox.Default.WithIdentity(-1, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => HelperSandbox.Default.WithLimits(cpuSeconds: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => HelperSandbox.Default.WithLimits(coreBytes: -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => HelperSandbox.Default.WithCgroupLimits(maxTasks: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => HelperSandbox.Default.WithCgroupLimits(cpuQuota: double.NaN));
    }

    [Fact]
    public void The_default_sandbox_needs_the_helper_and_LimitsOnly_does_not()
    {
        Assert.Equal(SandboxParts.NoNewPrivileges | SandboxParts.Seccomp | SandboxParts.ResourceLimits, HelperSandbox.Default.Parts);
        Assert.True(HelperSandbox.Default.RequiresHelperCooperation);
        Assert.Equal(SandboxParts.ResourceLimits, HelperSandbox.LimitsOnly.Parts);
        Assert.False(HelperSandbox.LimitsOnly.WithLimits(openFiles: 10).RequiresHelperCooperation);
        Assert.Equal(SandboxParts.InHelper | SandboxParts.Outside, Everything.Parts);
        // Network off needs the seccomp socket rule, so no_new_privs, even with the allow-list off.
        Assert.Equal(SandboxParts.NoNewPrivileges | SandboxParts.Network | SandboxParts.ResourceLimits,
            HelperSandbox.Default.WithSystemCallFilter(false).WithoutNetwork().Parts);
    }

    [Fact]
    public void Claimed_parts_are_read_back_from_the_hello_capabilities_and_nothing_without_the_marker()
    {
        var claimed = SandboxCapabilities.For(SandboxParts.Landlock | SandboxParts.Seccomp);
        Assert.Equal(["sandbox", "sandbox:landlock", "sandbox:seccomp"], claimed);
        Assert.Equal(SandboxParts.Landlock | SandboxParts.Seccomp, SandboxCapabilities.Parse(["echo", .. claimed]));
        Assert.Equal(SandboxParts.None, SandboxCapabilities.Parse(["sandbox:seccomp"]));
    }

    [Fact]
    public void The_seccomp_program_checks_the_architecture_first_and_ends_with_the_denied_action()
    {
        var program = SeccompFilter.Build(Everything);
        Assert.Equal((ushort)0x20, program[0].Code);
        Assert.Equal(4u, program[0].K);
        Assert.Equal(SeccompSyscalls.AuditArch, program[1].K);
        Assert.Equal(0x80000000u, program[^1].K);
        Assert.Equal(0x00050001u, SeccompFilter.Build(HelperSandbox.Default)[^1].K);
        // Every conditional jump lands inside the program (BPF jumps only forward), and each
        // allowed call's comparison jumps to an "allow".
        for (var i = 0; i < program.Count; i++)
            if ((program[i].Code & 0x07) == 0x05 && program[i].Code != 0x05)
                Assert.True(i + 1 + Math.Max(program[i].Jt, program[i].Jf) < program.Count);
        Assert.True(SeccompSyscalls.TryGetNumber("openat", out var openat));
        var compare = program.FindLastIndex(i => i.Code == 0x15 && i.K == (uint)openat);
        Assert.Equal((0x06, 0x7fff0000u), (program[compare + 1 + program[compare].Jt].Code, program[compare + 1 + program[compare].Jt].K));
        // ptrace is in only because the spec added it.
        Assert.True(SeccompSyscalls.TryGetNumber("ptrace", out var ptrace));
        Assert.Contains(program, i => i.Code == 0x15 && i.K == (uint)ptrace);
        Assert.DoesNotContain(SeccompFilter.Build(HelperSandbox.Default), i => i.Code == 0x15 && i.K == (uint)ptrace);
    }
}
