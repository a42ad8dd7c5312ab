using UmhActors.Native.Blobs;
using UmhActors.Native.Interop;
using UmhActors.Native.Launch;
using UmhActors.Native.OneShot;
using UmhActors.Native.Tests.Support;
using UmhActors.Tests.Shared;

namespace UmhActors.Native.Tests;

public sealed class OneShotTests
{
    [Fact]
    public async Task WaitProc_returns_the_exit_status()
    {
        using var blob = TestBlobs.Shell("exit7", "exit 7");
        var result = await UserModeHelper.CallAsync(blob, ["exit7"], null, UmhWait.WaitProc).WaitAsync(ProcessText.Timeout);
        Assert.Equal(7, result.Exit!.ExitCode);
        Assert.True(result.Completion.IsCompleted);
    }

    [Fact]
    public async Task WaitProc_runs_a_path_with_its_argv_and_exact_envp()
    {
        var result = await UserModeHelper.CallAsync("/bin/sh", ["sh", "-c", "test \"$ONLY\" = yes && test -z \"$HOME\" && exit 4"], ["ONLY=yes"], UmhWait.WaitProc)
            .WaitAsync(ProcessText.Timeout);
        Assert.Equal(4, result.Exit!.ExitCode);
    }

    [Fact]
    public async Task WaitExec_returns_while_the_helper_still_runs()
    {
        using var blob = TestBlobs.System("sleep");
        var result = await UserModeHelper.CallAsync(blob, ["sleep", "1"], null, UmhWait.WaitExec).WaitAsync(ProcessText.Timeout);
        Assert.Null(result.Exit);
        Assert.False(result.Completion.IsCompleted);
        Assert.True(HostCensus.IsRunning(result.Pid));
        var exit = await result.Completion.WaitAsync(ProcessText.Timeout);
        Assert.Equal(0, exit.ExitCode);
    }

    [Fact]
    public async Task WaitExec_throws_when_the_exec_fails()
    {
        using var blob = TestBlobs.Script("notexec", "plain text\n");
        var error = await Assert.ThrowsAsync<LaunchFailedException>(() => UserModeHelper.CallAsync(blob, ["notexec"], null, UmhWait.WaitExec));
        Assert.Equal(Errno.ENOEXEC, error.ErrorNumber);
    }

    [Fact]
    public async Task NoWait_returns_at_once_and_reports_exec_failure_through_completion()
    {
        using var blob = TestBlobs.Script("lost", "#!/no/such/interpreter\n");
        var result = await UserModeHelper.CallAsync(blob, ["lost"], null, UmhWait.NoWait).WaitAsync(ProcessText.Timeout);
        Assert.Equal(0, result.Pid);
        var error = await Assert.ThrowsAsync<LaunchFailedException>(() => result.Completion);
        Assert.Equal(Errno.ENOENT, error.ErrorNumber);
    }

    [Fact]
    public async Task NoWait_returns_once_spawned()
    {
        using var blob = TestBlobs.System("sleep");
        var result = await UserModeHelper.CallAsync(blob, ["sleep", "1"], null, UmhWait.NoWait).WaitAsync(ProcessText.Timeout);
        Assert.True(result.Pid > 0);
        Assert.False(result.Completion.IsCompleted);
        Assert.Equal(0, (await result.Completion.WaitAsync(ProcessText.Timeout)).ExitCode);
    }

    [Fact]
    public async Task Cancelling_a_killable_wait_kills_the_helper()
    {
        using var blob = HelperBlob.FromFile("sleep-killable", "/usr/bin/sleep");
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        var call = UserModeHelper.CallAsync(blob, ["sleep", "30"], null, UmhWait.WaitProc, cancel.Token);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call.WaitAsync(ProcessText.Timeout));
        Assert.True(await HostCensus.EventuallyAsync(() => HostCensus.RunningChildrenOfBlob("sleep-killable").Count == 0, TimeSpan.FromSeconds(5)));
    }
}
