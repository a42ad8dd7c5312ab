using UmhActors.Native.Io;
using UmhActors.Native.Launch;
using UmhActors.Native.Tests.Support;

namespace UmhActors.Native.Tests.Reaping;

/// <summary>The reaper's registration with the reactor: it ends with the helper, however quickly
/// the helper exits.</summary>
public sealed class ReaperRegistrationTests
{
    [Fact]
    public async Task Helpers_that_exit_before_their_pidfd_is_registered_leave_no_registration()
    {
        // A private reactor counts only these launches. /bin/true often exits before Register
        // returns, so the reactor thread reaps first: the race the reaper must win either way.
        using var reactor = new Reactor("test-reactor");
        var options = LaunchOptions.Default.WithStdio(StdioMode.Null);
        var workers = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            for (var i = 0; i < 250; i++)
            {
                await using var process = HelperLauncher.Start(ExecTarget.ForPath("/bin/true"), options, null, reactor);
                await process.Exited.WaitAsync(ProcessText.Timeout);
            }
        }));
        await Task.WhenAll(workers).WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(0, reactor.RegisteredCount);
    }
}
