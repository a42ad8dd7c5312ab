using UmhActors.Native.Exit;
using UmhActors.Tests.Shared;
using UmhActors.Tests.Support;

namespace UmhActors.Tests.Helpers;

/// <summary>A host that exits normally takes its helpers, and their process groups, with it.</summary>
public sealed class HostExitTests
{
    [Fact]
    public async Task A_host_that_exits_normally_leaves_no_helper_and_no_grandchild()
    {
        var pids = new List<int>();
        using var host = HostProcessRunner.Start(["exit", "2"]);
        try
        {
            while (await host.ReadLineAsync() is { } line && line != "ready")
            {
                // The helpers and the grandchildren they started in their process groups. A helper
                // alone would also leave at stdin EOF; its grandchild goes only if the host kills the group.
                if (line.StartsWith("pid ") || line.StartsWith("grandchild ")) pids.Add(int.Parse(line.Split(' ')[1]));
            }
            Assert.Equal(4, pids.Count);
            Assert.Equal(0, await host.WaitForExitAsync(TimeSpan.FromSeconds(30)));
            var allGone = await HostCensus.EventuallyAsync(() => pids.All(pid => !HostCensus.IsRunning(pid)), TimeSpan.FromSeconds(5));
            Assert.True(allGone, "still running after the host exited: " + string.Join(", ", pids.Where(HostCensus.IsRunning)));
        }
        finally
        {
            // Only what this test's host started, by pid, if the assertion above failed.
            foreach (var pid in pids.Where(HostCensus.IsRunning)) Tmds.Linux.LibC.kill(pid, SignalNames.SIGKILL);
        }
    }
}
