using System.Diagnostics;
using Akka.Actor;
using UmhActors.Helpers;
using UmhActors.Native.Exit;
using UmhActors.Tests.Shared;
using UmhActors.Tests.Support;
using Xunit.Abstractions;

namespace UmhActors.Tests.Helpers;

public sealed class NoOrphansTests(ITestOutputHelper output) : HelperSpec(output)
{
    [Fact]
    public async Task Stopping_the_actor_kills_the_helper_and_its_grandchild()
    {
        var (helper, pid) = await StartHelperAsync();
        var grandchild = await new HelperClient(helper).CallAsync<object[], int>("spawn_grandchild", []);
        Assert.True(HostCensus.IsRunning(grandchild));

        Watch(helper);
        Sys.Stop(helper);
        ExpectTerminated(helper, Patience);

        Assert.True(await HostCensus.EventuallyAsync(() => !HostCensus.IsRunning(pid), Patience), $"helper {pid} still runs");
        Assert.True(await HostCensus.EventuallyAsync(() => !HostCensus.IsRunning(grandchild), Patience), $"grandchild {grandchild} still runs");
    }

    [Fact]
    public async Task A_helper_ignoring_SIGTERM_is_killed_after_the_grace_period()
    {
        var (helper, pid) = await StartHelperAsync(HelperOptions.Default.WithStopGracePeriod(TimeSpan.FromMilliseconds(300)));
        await new HelperClient(helper).SendAsync(Call("ignore_sigterm"));
        Sys.Stop(helper);
        Assert.True(await HostCensus.EventuallyAsync(() => !HostCensus.IsRunning(pid), Patience));
    }

    [Fact]
    public async Task Terminating_the_actor_system_leaves_no_helper()
    {
        var system = ActorSystem.Create("short-lived");
        var pids = new List<int>();
        for (var i = 0; i < 3; i++) pids.Add(await WaitReadyAsync(system.ActorOf(HelperActor.Props(TestHelperBlob.Instance))));
        await system.Terminate().WaitAsync(Patience);
        foreach (var pid in pids)
            Assert.True(await HostCensus.EventuallyAsync(() => !HostCensus.IsRunning(pid), Patience), $"helper {pid} outlived its ActorSystem");
    }

    [Fact]
    public async Task A_host_killed_with_SIGKILL_leaves_no_helper_after_two_seconds()
    {
        var hostDll = Path.Combine(AppContext.BaseDirectory, "UmhActors.HostProcess.dll");
        var info = new ProcessStartInfo("dotnet", [hostDll, "3"]) { RedirectStandardOutput = true, UseShellExecute = false };
        using var host = Process.Start(info)!;
        var pids = new List<int>();
        try
        {
            while (true)
            {
                var line = await host.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60));
                Assert.NotNull(line);
                if (line == "ready") break;
                if (line.StartsWith("pid ")) pids.Add(int.Parse(line[4..]));
            }
            Assert.Equal(3, pids.Count);
            Assert.All(pids, pid => Assert.True(HostCensus.IsRunning(pid)));

            host.Kill(); // SIGKILL, by pid: the host gets no chance to clean up.
            await host.WaitForExitAsync().WaitAsync(Patience);
            var killedAt = Stopwatch.StartNew();

            var allGone = await HostCensus.EventuallyAsync(() => pids.All(pid => !HostCensus.IsRunning(pid)), TimeSpan.FromSeconds(2));
            Assert.True(allGone, $"helpers still running {killedAt.ElapsedMilliseconds} ms after the host died: " +
                string.Join(", ", pids.Where(HostCensus.IsRunning)));
        }
        finally
        {
            if (!host.HasExited) host.Kill();
            // Only our own helpers, by pid, if the assertion above failed.
            foreach (var pid in pids.Where(HostCensus.IsRunning)) Tmds.Linux.LibC.kill(pid, SignalNames.SIGKILL);
        }
    }
}
