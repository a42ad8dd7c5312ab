using UmhActors.Native.Tests.Support;

namespace UmhActors.Native.Tests.FdLimits;

/// <summary>Launch churn at the fd limit under the C library's malloc checking: a native buffer
/// freed twice or a pointer freed that malloc never gave (the <c>free(): invalid pointer</c> abort
/// once seen at the limit) aborts the host at once instead of corrupting the heap silently.</summary>
public sealed class MallocCheckedChurnTests
{
    // glibc ≥ 2.34 moved the checking allocator into libc_malloc_debug.so: without the preload,
    // MALLOC_CHECK_ and the tunable are ignored.
    private static readonly string? MallocDebug = new[]
    {
        "/usr/lib/x86_64-linux-gnu/libc_malloc_debug.so.0", "/usr/lib/aarch64-linux-gnu/libc_malloc_debug.so.0", "/lib64/libc_malloc_debug.so.0",
    }.FirstOrDefault(File.Exists);

    private static Dictionary<string, string> MallocChecking => new()
    {
        ["LD_PRELOAD"] = MallocDebug!,
        ["MALLOC_CHECK_"] = "3",
        ["GLIBC_TUNABLES"] = "glibc.malloc.check=3",
    };

    [Fact]
    public async Task Fifty_rounds_of_launch_churn_at_the_fd_limit_pass_malloc_checking()
    {
        Assert.True(MallocDebug is not null, "libc_malloc_debug.so.0 not found: the C library's malloc checking cannot be enabled");
        var host = await FaultHost.RunAsync(256, TimeSpan.FromSeconds(120), MallocChecking, "churn", "50");
        Assert.True(host.ExitCode == 0, $"host exited {host.ExitCode}: {host.Errors}");
        Assert.DoesNotContain("free()", host.Errors);
        Assert.Equal("50", host["refused"]);
        Assert.Equal("", host["other"]);
    }

    [Fact]
    public async Task The_malloc_checking_this_relies_on_is_really_on_in_the_host()
    {
        // A check that cannot fail proves nothing: the same settings must catch a one-byte overrun
        // that plain malloc lets pass.
        Assert.True(MallocDebug is not null, "libc_malloc_debug.so.0 not found");
        var plain = await FaultHost.RunAsync(256, TimeSpan.FromSeconds(60), "overrun");
        Assert.Equal("True", plain["survived"]);
        var host = await FaultHost.RunAsync(256, TimeSpan.FromSeconds(60), MallocChecking, "overrun");
        Assert.Equal(134, host.ExitCode); // SIGABRT from the checking allocator
        Assert.Contains("free(): invalid pointer", host.Errors);
    }
}
