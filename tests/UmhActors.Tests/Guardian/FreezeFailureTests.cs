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
        var (helper, pid) = await StartHelperAsync(HelperOptions.Default.WithLaunch(LaunchOptions.Default.WithCgroup()));
        // Make the helper's freezer cgroup unusable for real: move the helper out, remove the directory.
        var freezerRoot = CgroupSupport.Current.HostDirectories[1];
        var freezerDirectory = Path.Combine(freezerRoot, Path.GetFileName(ReadCgroupOf(pid, "freezer")));
        Assert.StartsWith("umh-", Path.GetFileName(freezerDirectory));
        await File.WriteAllTextAsync(Path.Combine(freezerRoot, "cgroup.procs"), pid + "\n");
        Directory.Delete(freezerDirectory);

        var answer = await helper.Ask<HelperFreezeDone>(new SetHelperFrozen(true), Patience);
        var failure = Assert.IsType<HelperFreezeFailedException>(answer.Failure);
        Assert.IsType<CgroupException>(failure.InnerException);
        Assert.Equal(pid, failure.Pid);

        Assert.Equal(pid, (await helper.Ask<HelperStatus>(GetHelperStatus.Instance, Patience)).Pid);
        Assert.Equal(5, await new HelperClient(helper).CallAsync<int[], int>("add", [2, 3]).WaitAsync(Patience));
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
