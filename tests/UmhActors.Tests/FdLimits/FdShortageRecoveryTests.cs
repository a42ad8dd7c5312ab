using UmhActors.Native.Tests.Support;

namespace UmhActors.Tests.FdLimits;

/// <summary>Helper actors in a host that runs out of fds for real: a separate host process under
/// <c>RLIMIT_NOFILE</c> 256 fills its own fd table (tests/Helpers/UmhActors.NativeFaultHost, actor modes).</summary>
public sealed class FdShortageRecoveryTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task A_first_request_made_while_no_fd_is_free_poisons_nothing_and_later_requests_succeed()
    {
        // The helper is up, but no request was ever serialized in that process when the fds ran
        // out: MessagePack's resolvers and formatter caches, and the request path, meet the
        // shortage first. A type initialiser that failed then would fail for good.
        var host = await FaultHost.RunAsync(256, Patience, "client-after-shortage");
        Assert.True(host.ExitCode == 0, $"host exited {host.ExitCode}: {host.Errors}");
        Assert.Equal("7", host["during"]);
        // A user's own [MessagePackObject] type, first formatted during the shortage.
        Assert.Equal("1:r", host["during-user-type"]);
        Assert.Equal("7", host["after"]);
        Assert.Equal("2:s", host["after-user-type"]);
        Assert.Equal("a,b", host["after-echo"]);
        Assert.Equal("True", host["warmup-complete"]);
    }

    [Fact]
    public async Task Helper_actors_refused_by_the_fd_reserve_recover_by_themselves_once_fds_are_free()
    {
        // Three rounds: two new helpers and one restarting helper meet a full fd table; their
        // launches fail, transiently, until the fds come back; then all four answer.
        var host = await FaultHost.RunAsync(256, Patience, "actors-recover", "3", "64", "0");
        AssertRecovered(host, rounds: 3);
        Assert.Contains("fd reserve:EMFILE", host["transient-by"].Split(','));
    }

    [Fact]
    public async Task Helper_actors_whose_pipes_could_not_be_made_recover_by_themselves_once_fds_are_free()
    {
        // No reserve: the launch itself meets EMFILE (pipe2, which needs two fds), and cleans up
        // after it. One fd is left free: with none at all, the runtime itself aborts the host
        // ("Out of memory.") when it needs an fd to start a thread, which is why the fd reserve
        // exists; that abort is not what this test is about.
        var host = await FaultHost.RunAsync(256, Patience, "actors-recover", "3", "0", "1");
        AssertRecovered(host, rounds: 3);
        // Mostly pipe2; a launch that found its pipes (fds an exiting helper gave back) may meet
        // the shortage at pidfd_open instead. Every one is an EMFILE (AssertRecovered).
        Assert.Contains("pipe2:EMFILE", host["transient-by"].Split(','));
    }

    private static void AssertRecovered(FaultHost.Result host, int rounds)
    {
        Assert.True(host.ExitCode == 0, $"host exited {host.ExitCode}: {host.Errors}");
        // Every helper of every round answered once fds were free, with no user action.
        Assert.Equal((rounds * 4).ToString(), host["served"]);
        Assert.True(int.Parse(host["failed-launches"]) >= rounds * 3, host.Output);
        Assert.All(host["transient-by"].Split(','), call => Assert.EndsWith(":EMFILE", call));
        // No other decision than the provoked exit and the transient launch failures.
        Assert.Equal("", host["other"]);
        Assert.Equal("0", host["live-helpers"]);
    }
}
