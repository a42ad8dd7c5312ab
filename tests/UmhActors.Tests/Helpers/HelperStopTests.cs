using UmhActors.Helpers;
using UmhActors.Native.Cgroups;
using UmhActors.Native.Launch;
using UmhActors.Requests;
using UmhActors.Tests.Shared;
using UmhActors.Tests.Support;
using Xunit.Abstractions;

namespace UmhActors.Tests.Helpers;

/// <summary>Stopping a helper actor and knowing when its helper is gone, without polling:
/// <see cref="HelperClient.StopAsync"/> (<see cref="StopHelper"/>).</summary>
public sealed class HelperStopTests(ITestOutputHelper output) : HelperSpec(output)
{
    [RealCgroupFact]
    public async Task StopAsync_completes_once_the_helper_is_reaped_and_its_cgroup_removed()
    {
        var options = HelperOptions.Default.WithLaunch(LaunchOptions.Default.WithMemoryLimit(256L << 20));
        var client = new HelperClient(Sys.ActorOf(HelperActor.Props(TestHelperBlob.Instance, options)));
        var helper = await client.WhenReadyAsync(timeout: Patience);
        var cgroups = HelperCgroupDirectories(helper.Pid);
        Assert.NotEmpty(cgroups);
        Watch(client.Helper);

        var ended = await client.StopAsync(Patience);

        // No waiting here: the answer itself says the helper and its cgroup are gone.
        Assert.Equal(new HelperEnded(TestHelperBlob.Instance.Name, helper.Pid), ended);
        Assert.False(HostCensus.IsRunning(helper.Pid), $"pid {helper.Pid} still runs");
        Assert.DoesNotContain(helper.Pid, HostCensus.RunningChildrenOfBlob(TestHelperBlob.Instance.Name));
        Assert.All(cgroups, dir => Assert.False(Directory.Exists(dir), $"{dir} still exists"));
        ExpectTerminated(client.Helper, Patience);
    }

    [Fact]
    public async Task StopAsync_fails_pending_requests_with_HelperStoppedException_and_ends_the_helper()
    {
        var client = new HelperClient(Sys.ActorOf(HelperActor.Props(TestHelperBlob.Instance)));
        var helper = await client.WhenReadyAsync(timeout: Patience);
        var sleeping = client.CallAsync<int[], object>("sleep", [30_000]);

        var ended = await client.StopAsync(Patience);

        Assert.Equal(helper.Pid, ended.Pid);
        await Assert.ThrowsAsync<HelperStoppedException>(() => sleeping);
        Assert.False(HostCensus.IsRunning(helper.Pid));
    }

    /// <summary>The helper's own cgroup directories (those named umh-…), read from /proc/PID/cgroup.</summary>
    private static List<string> HelperCgroupDirectories(int pid)
    {
        var dirs = new List<string>();
        foreach (var hostDir in CgroupSupport.Current.HostDirectories)
        {
            foreach (var dir in Directory.GetDirectories(hostDir, "umh-*"))
                if (File.ReadAllText(Path.Combine(dir, "cgroup.procs")).Split('\n').Contains(pid.ToString())) dirs.Add(dir);
        }
        return dirs;
    }
}
