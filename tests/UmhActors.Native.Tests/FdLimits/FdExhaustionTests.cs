using UmhActors.Native.Tests.Support;
using UmhActors.Tests.Shared;

namespace UmhActors.Native.Tests.FdLimits;

/// <summary>A host out of fds: each test runs a separate host process under a low
/// <c>RLIMIT_NOFILE</c> that fills its own fd table at the worst moment for real.</summary>
public sealed class FdExhaustionTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_reactor_that_could_not_be_created_for_want_of_fds_is_created_once_fds_are_free()
    {
        var host = await FaultHost.RunAsync(256, Patience, "reactor-retry");
        Assert.Equal(0, host.ExitCode);
        Assert.StartsWith("NativeCallException:epoll_create1: EMFILE", host["first"]);
        Assert.Contains("Too many open files", host["cgroup-first"]);
        Assert.Equal("ok", host["reactor-second"]);
        Assert.Equal("ok", host["second"]);
        Assert.Equal("ok", host["cgroup-second"]);
    }

    [Fact]
    public async Task A_child_whose_pidfd_cannot_be_opened_is_reaped_not_left_a_zombie()
    {
        var host = await FaultHost.RunAsync(256, Patience, "pidfd-emfile", "5");
        Assert.Equal(0, host.ExitCode);
        Assert.Equal("LaunchFailedException:pidfd_open:EMFILE", host["calls"]);
        Assert.Equal("0", host["zombies"]);
    }

    [RealCgroupFact(needsFreezer: true)]
    public async Task Disposing_a_frozen_helper_with_no_fd_free_kills_it_and_closes_every_pipe()
    {
        var host = await FaultHost.RunAsync(256, Patience, "freezer-dispose-emfile");
        Assert.Equal(0, host.ExitCode);
        Assert.Equal("ok", host["dispose"]);
        Assert.Equal("True", host["exited"]);
        // Three pipe ends and the pidfd.
        Assert.Equal("4", host["registrations-dropped"]);
    }

    [RealCgroupFact]
    public async Task A_helper_reaped_with_no_fd_free_leaves_no_cgroup_behind()
    {
        var host = await FaultHost.RunAsync(256, Patience, "cgroup-remove-emfile");
        Assert.Equal(0, host.ExitCode);
        Assert.Equal("ok", host["removal"]);
        Assert.Equal("True", host["removed"]);
        Assert.Equal("", host["left"]);
        Assert.Equal("True", host["exited"]);
    }

    [Fact]
    public async Task Launch_churn_at_the_fd_limit_meets_backpressure_and_never_aborts_the_runtime()
    {
        // 50 rounds, each launching helpers until the reserve refuses one while the thread pool
        // injects threads: the runtime must always find the fds it needs.
        var host = await FaultHost.RunAsync(256, TimeSpan.FromSeconds(120), "churn", "50");
        Assert.True(host.ExitCode == 0, $"host exited {host.ExitCode}: {host.Errors}");
        Assert.Equal("50", host["refused"]);
        // Refused by the reserve check, before any fd was taken: not by a system call at the limit.
        Assert.Equal(Launch.LaunchFailedException.FdReserveCall, host["refused-by"]);
        // The error says what a helper costs and which limit to raise.
        Assert.Contains("a running helper keeps 4", host["refusal"]);
        Assert.Contains("raise RLIMIT_NOFILE", host["refusal"]);
        Assert.Equal("", host["other"]);
    }
}
