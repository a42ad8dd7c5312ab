using UmhActors.Native.Exit;
using UmhActors.Native.Launch;
using UmhActors.Native.Tests.Support;

namespace UmhActors.Native.Tests;

/// <summary>What the reaper reports for a real child: an exit code without a signal or a core dump,
/// or a signal, each with the helper's pid and a positive uptime.</summary>
public sealed class ExitStatusReportingTests
{
    [Fact]
    public async Task A_child_that_exits_reports_its_code_and_neither_a_signal_nor_a_core_dump()
    {
        var process = HelperLauncher.LaunchPath("/bin/sh", LaunchOptions.Default.WithArguments("-c", "exit 7"));
        var (_, _, exit) = await ProcessText.RunToEndAsync(process);

        Assert.Equal(process.Pid, exit.Pid);
        Assert.Equal(7, exit.ExitCode);
        Assert.Null(exit.Signal);
        Assert.False(exit.CoreDumped);
        Assert.True(exit.Uptime > TimeSpan.Zero);
    }

    [Fact]
    public async Task A_child_killed_by_a_signal_without_a_core_reports_the_signal_and_no_exit_code()
    {
        // ulimit -c 0: no core is written, so the kernel reports CLD_KILLED, not CLD_DUMPED.
        var process = HelperLauncher.LaunchPath("/bin/sh", LaunchOptions.Default.WithArguments("-c", "ulimit -c 0; kill -TERM $$"));
        var (_, _, exit) = await ProcessText.RunToEndAsync(process);

        Assert.Null(exit.ExitCode);
        Assert.Equal(SignalNames.SIGTERM, exit.Signal);
        Assert.False(exit.CoreDumped);
        Assert.Equal("SIGTERM", exit.SignalName);
    }
}
