using Akka.Actor;
using UmhActors.Guardian;
using UmhActors.Helpers;
using UmhActors.Native.Cgroups;
using UmhActors.Native.Launch;
using UmhActors.Requests;
using UmhActors.Tests.Shared;
using UmhActors.Tests.Support;
using Xunit.Abstractions;

namespace UmhActors.Tests.Guardian;

/// <summary>A freeze or thaw that fails is answered as a typed failure; it never throws inside the
/// helper's actor (which would restart it and fail every request in flight).</summary>
public sealed class FreezeFailureTests(ITestOutputHelper output) : HelperSpec(output)
{
    [V1FreezerFact]
    public async Task A_helper_whose_freezer_cgroup_vanished_answers_a_typed_failure_and_keeps_serving()
    {
        var (helper, pid) = await StartHelperWithoutFreezerCgroupAsync();

        var answer = await helper.Ask<HelperFreezeDone>(new SetHelperFrozen(true), Patience);
        var failure = Assert.IsType<HelperFreezeFailedException>(answer.Failure);
        Assert.IsType<CgroupException>(failure.InnerException);
        Assert.Equal(pid, failure.Pid);

        Assert.Equal(pid, (await helper.Ask<HelperStatus>(GetHelperStatus.Instance, Patience)).Pid);
        Assert.Equal(5, await new HelperClient(helper).CallAsync<int[], int>("add", [2, 3]).WaitAsync(Patience));
    }

    [V1FreezerFact]
    public async Task A_helper_that_cannot_be_frozen_fails_the_freeze_and_everything_is_thawed_again()
    {
        var guardian = UmhGuardian.Get(Sys);
        var (healthy, healthyPid) = await StartHelperAsync();
        var (_, brokenPid) = await StartHelperWithoutFreezerCgroupAsync();

        var busy = await Assert.ThrowsAsync<GuardianBusyException>(() => guardian.FreezeAsync(Patience, freezeRunning: true));
        Assert.Contains("could not be frozen", busy.Message);
        Assert.Contains($"pid {brokenPid}", busy.Message);
        var status = await guardian.GetStatusAsync();
        Assert.Equal((GuardianState.Enabled, false), (status.State, status.RunningHelpersFrozen));
        // The helper that was frozen by SIGSTOP is running again.
        Assert.True(await HostCensus.EventuallyAsync(() => HostCensus.ReadStat($"/proc/{healthyPid}")?.State != 'T', Patience));
        Assert.Equal(5, await new HelperClient(healthy).CallAsync<int[], int>("add", [2, 3]).WaitAsync(Patience));
    }

    /// <summary>A helper with a cgroup whose v1 freezer directory is then made unusable for real:
    /// the helper is moved out and the directory removed.</summary>
    private async Task<(IActorRef Helper, int Pid)> StartHelperWithoutFreezerCgroupAsync()
    {
        var (helper, pid) = await StartHelperAsync(HelperOptions.Default.WithLaunch(LaunchOptions.Default.WithCgroup()));
        var freezerRoot = CgroupSupport.Current.HostDirectories[1];
        var freezerDirectory = Path.Combine(freezerRoot, Path.GetFileName(ReadCgroupOf(pid, "freezer")));
        Assert.StartsWith("umh-", Path.GetFileName(freezerDirectory));
        await File.WriteAllTextAsync(Path.Combine(freezerRoot, "cgroup.procs"), pid + "\n");
        Directory.Delete(freezerDirectory);
        return (helper, pid);
    }

    private static string ReadCgroupOf(int pid, string controller)
    {
        foreach (var line in File.ReadAllLines($"/proc/{pid}/cgroup"))
        {
            var parts = line.Split(':', 3);
            if (parts[1].Split(',').Contains(controller)) return parts[2].TrimStart('/');
        }
        throw new InvalidOperationException($"pid {pid} is in no {controller} cgroup");
    }
}
