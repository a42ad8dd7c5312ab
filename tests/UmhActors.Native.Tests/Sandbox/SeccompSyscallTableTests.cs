using System.Runtime.InteropServices;
using UmhActors.Native.Sandbox;

namespace UmhActors.Native.Tests.Sandbox;

/// <summary>The seccomp number tables of both architectures a filter is built for, checked on
/// any machine: the calls numbered alike everywhere (424 on) are written once and land in both
/// tables, and each table keeps its own numbering below that.</summary>
public sealed class SeccompSyscallTableTests
{
    public static TheoryData<Architecture> Architectures => new() { Architecture.X64, Architecture.Arm64 };

    [Theory]
    [MemberData(nameof(Architectures))]
    public void Calls_from_424_on_have_the_same_numbers_on_every_architecture(Architecture architecture)
    {
        var table = SeccompSyscalls.ForArchitecture(architecture);
        Assert.Equal(424, table["pidfd_send_signal"]);
        Assert.Equal(435, table["clone3"]);
        Assert.Equal(446, table["landlock_restrict_self"]);
        Assert.Equal(450, table["set_mempolicy_home_node"]);
        var unified = table.Where(kv => kv.Value >= 424).OrderBy(kv => kv.Value).Select(kv => kv.Value).ToList();
        Assert.Equal(Enumerable.Range(424, 450 - 424 + 1), unified);
    }

    [Fact]
    public void Each_architecture_keeps_its_own_numbers_below_424()
    {
        var x64 = SeccompSyscalls.ForArchitecture(Architecture.X64);
        var arm64 = SeccompSyscalls.ForArchitecture(Architecture.Arm64);
        Assert.Equal((257, 56), (x64["openat"], arm64["openat"]));
        Assert.Equal((101, 117), (x64["ptrace"], arm64["ptrace"]));
        Assert.Equal(2, x64["open"]);
        Assert.False(arm64.ContainsKey("open"), "arm64 has no open(2), only openat");
    }

    [Fact]
    public void Arm64_has_no_64_bit_time_calls_of_the_32_bit_architectures()
    {
        var arm64 = SeccompSyscalls.ForArchitecture(Architecture.Arm64);
        Assert.DoesNotContain(arm64, kv => kv.Value is >= 403 and <= 423 || kv.Key.EndsWith("time64", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Architectures))]
    public void No_number_names_two_calls_but_arm64s_sync_file_range_alias(Architecture architecture)
    {
        var shared = SeccompSyscalls.ForArchitecture(architecture)
            .GroupBy(kv => kv.Value)
            .Where(g => g.Count() > 1)
            .Select(g => string.Join("=", g.Select(kv => kv.Key).Order()))
            .ToList();
        Assert.Equal(architecture == Architecture.Arm64 ? ["sync_file_range=sync_file_range2"] : [], shared);
    }

    [Fact]
    public void This_machines_table_is_the_one_a_filter_uses()
    {
        var table = SeccompSyscalls.ForArchitecture(RuntimeInformation.ProcessArchitecture);
        Assert.All(table, kv => Assert.True(SeccompSyscalls.TryGetNumber(kv.Key, out var n) && n == kv.Value, kv.Key));
    }
}
