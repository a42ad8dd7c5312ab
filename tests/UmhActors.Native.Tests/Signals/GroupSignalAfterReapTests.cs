using UmhActors.Native.Exit;
using UmhActors.Native.Launch;
using UmhActors.Native.Tests.Support;
using UmhActors.Tests.Shared;

namespace UmhActors.Native.Tests.Signals;

/// <summary>Process-group signals around the helper's exit: the group is killed while the exited
/// leader still pins its number, and never signalled after the reap (the number may be reused).</summary>
public sealed class GroupSignalAfterReapTests
{
    [Fact]
    public async Task What_an_exited_helper_started_is_killed_before_the_helper_is_reaped()
    {
        using var blob = TestBlobs.Shell("leaves-child", "sleep 60 </dev/null >/dev/null 2>&1 &\necho $!\nexit 0");
        var process = HelperLauncher.Launch(blob);
        var line = await new StreamReader(new MemoryStream(await process.Stdout!.ReadToEndAsync().WaitAsync(ProcessText.Timeout))).ReadLineAsync();
        var grandchild = int.Parse(line!);
        await process.Exited.WaitAsync(ProcessText.Timeout);
        // Not disposed yet: nothing but the reaper can have killed it.
        Assert.True(await HostCensus.EventuallyAsync(() => !HostCensus.IsRunning(grandchild), TimeSpan.FromSeconds(5)),
            $"grandchild {grandchild} outlived its exited helper");
        process.Dispose();
    }

    [Fact]
    public async Task Group_signals_after_the_reap_send_nothing()
    {
        using var blob = TestBlobs.System("true");
        var process = HelperLauncher.Launch(blob, LaunchOptions.Default.WithStdio(StdioMode.Null));
        await process.Exited.WaitAsync(ProcessText.Timeout);
        Assert.False(process.SignalGroup(SignalNames.SIGTERM));
        Assert.False(process.SignalGroup(SignalNames.SIGSTOP));
        process.Dispose();
        await process.TerminateAsync(TimeSpan.Zero).WaitAsync(ProcessText.Timeout);
        // Nothing was sent, so nothing is recorded as sent.
        Assert.Equal(0, process.LastSignalSentByHost);
    }
}
