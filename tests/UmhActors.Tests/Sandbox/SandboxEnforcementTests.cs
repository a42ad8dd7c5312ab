using Akka.Actor;
using UmhActors.Failures;
using UmhActors.Helpers;
using UmhActors.Native.Exit;
using UmhActors.Requests;
using UmhActors.Native.Sandbox;
using UmhActors.Tests.Shared;
using UmhActors.Tests.Support;
using Xunit.Abstractions;
using static UmhActors.Tests.Sandbox.SandboxSupport;

namespace UmhActors.Tests.Sandbox;

/// <summary>A sandboxed test helper, once served, really is confined: the kernel refuses what the
/// spec denies (files, sockets, tasks, CPU), and /proc shows who it runs as and its filters.</summary>
public sealed class SandboxEnforcementTests(ITestOutputHelper output) : HelperSpec(output)
{
    private async Task<long> CallAsync(IActorRef helper, string method, params object[] args) =>
        (await helper.Ask<HelperResponse>(Call(method, args), Patience)).GetResult<long>();

    [LandlockFact]
    public async Task A_sandboxed_helper_cannot_open_a_file_outside_its_allowed_paths()
    {
        var allowed = Directory.CreateTempSubdirectory("umh-sbx-allowed-");
        var secret = Path.Combine(Path.GetTempPath(), $"umh-sbx-secret-{Guid.NewGuid():N}");
        await File.WriteAllTextAsync(secret, "host secret");
        try
        {
            var sandbox = HelperSandbox.Default.WithFileSystem(readWrite: [allowed.FullName]);
            var (helper, _) = await StartHelperAsync(Sandboxed(sandbox));

            Assert.Equal(EACCES, await CallAsync(helper, "sandbox_open", secret, 0));
            Assert.Equal(EACCES, await CallAsync(helper, "sandbox_open", "/etc/passwd", 0));
            Assert.Equal(EACCES, await CallAsync(helper, "sandbox_open", Path.Combine(Path.GetTempPath(), "umh-sbx-new-file"), 1));
            Assert.Equal(0, await CallAsync(helper, "sandbox_open", Path.Combine(allowed.FullName, "made-inside"), 1));
            Assert.True(File.Exists(Path.Combine(allowed.FullName, "made-inside")));
        }
        finally
        {
            File.Delete(secret);
            allowed.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task A_helper_without_network_cannot_create_an_inet_socket_but_keeps_unix_sockets()
    {
        var (helper, _) = await StartHelperAsync(Sandboxed(HelperSandbox.Default.WithoutNetwork()));

        Assert.Equal(EAFNOSUPPORT, await CallAsync(helper, "sandbox_socket", AF_INET));
        Assert.Equal(EAFNOSUPPORT, await CallAsync(helper, "sandbox_socket", AF_INET6));
        Assert.Equal(0, await CallAsync(helper, "sandbox_socket", AF_UNIX));
    }

    [LandlockFact(minimumAbi: 6)]
    public async Task A_landlocked_helper_cannot_signal_its_host_even_under_the_same_uid()
    {
        var (unconfined, _) = await StartHelperAsync();
        Assert.Equal(0, await CallAsync(unconfined, "sandbox_kill", Environment.ProcessId, 0));

        var (helper, _) = await StartHelperAsync(Sandboxed(HelperSandbox.Default.WithFileSystem(readOnly: ["/usr"])));
        Assert.Equal(EPERM, await CallAsync(helper, "sandbox_kill", Environment.ProcessId, 0));
    }

    [LandlockFact]
    public async Task A_sandboxed_helper_still_carries_its_runtime_name()
    {
        // Named by the runtime through /proc/self/comm, which the sandbox closes: it must not fall back to "3" (its memfd).
        var (_, pid) = await StartHelperAsync(Sandboxed(HelperSandbox.Default.WithFileSystem()));

        Assert.Equal("testhelper", (await File.ReadAllTextAsync($"/proc/{pid}/comm")).Trim());
    }

    [RootFact]
    public async Task A_filtered_helper_cannot_leave_the_hosts_namespaces()
    {
        // Control: a root helper without the filter can.
        var (unfiltered, _) = await StartHelperAsync(Sandboxed(HelperSandbox.LimitsOnly));
        Assert.Equal(0, await CallAsync(unfiltered, "sandbox_unshare_net"));

        var (helper, _) = await StartHelperAsync(Sandboxed(HelperSandbox.Default));
        Assert.Equal(EPERM, await CallAsync(helper, "sandbox_unshare_net"));
    }

    [Fact]
    public async Task A_helper_with_network_allowed_can_create_an_inet_socket()
    {
        var (helper, _) = await StartHelperAsync(Sandboxed(HelperSandbox.Default));

        Assert.Equal(0, await CallAsync(helper, "sandbox_socket", AF_INET));
    }

    [RootFact]
    public async Task A_sandboxed_helper_runs_as_the_requested_uid_with_no_new_privs_and_a_seccomp_filter_in_every_thread()
    {
        var (helper, pid) = await StartHelperAsync(Sandboxed(HelperSandbox.Default.WithIdentity(65534, 65534)));
        // A request first, so the runtime's reader and pool threads exist and are checked too.
        Assert.Equal(pid, await CallAsync(helper, "pid"));

        Assert.True(ThreadField(pid, "Uid").Count >= 2);
        Assert.All(ThreadField(pid, "Uid"), uid => Assert.Equal("65534\t65534\t65534\t65534", uid));
        Assert.All(ThreadField(pid, "Gid"), gid => Assert.Equal("65534\t65534\t65534\t65534", gid));
        Assert.All(ThreadField(pid, "Groups"), groups => Assert.Equal("", groups));
        Assert.All(ThreadField(pid, "CapEff"), caps => Assert.Equal("0000000000000000", caps));
        Assert.All(ThreadField(pid, "NoNewPrivs"), nnp => Assert.Equal("1", nnp));
        Assert.All(ThreadField(pid, "Seccomp"), mode => Assert.Equal("2", mode));
    }

    [RealCgroupFact]
    public async Task A_fork_bomb_in_a_sandboxed_helper_stops_at_its_task_limit_without_touching_the_host()
    {
        const int maxTasks = 40;
        var (helper, pid) = await StartHelperAsync(Sandboxed(HelperSandbox.Default.WithCgroupLimits(maxTasks: maxTasks)));

        var result = (await helper.Ask<HelperResponse>(Call("sandbox_spawn_many", 1000), Patience)).GetResult<string>().Split(',');
        var started = int.Parse(result[0]);
        Assert.Equal(EAGAIN, int.Parse(result[1]));
        Assert.InRange(started, 1, maxTasks - 1);
        // The helper still answers, and the host still launches helpers of its own.
        Assert.Equal(pid, await CallAsync(helper, "pid"));
        var (other, otherPid) = await StartHelperAsync();
        Assert.Equal(otherPid, await CallAsync(other, "pid"));

        // The children die with their helper.
        var children = Directory.EnumerateDirectories("/proc").Select(Path.GetFileName)
            .Where(d => int.TryParse(d, out var p) && ParentOf(p) == pid).Select(d => int.Parse(d!)).ToList();
        Assert.Equal(started, children.Count);
        Watch(helper);
        Sys.Stop(helper);
        ExpectTerminated(helper, Patience);
        await AwaitAssertAsync(() => Assert.DoesNotContain(children.Append(pid), HostCensus.IsRunning), Patience);
    }

    [RealCgroupFact]
    public async Task A_helper_over_its_cpu_quota_is_throttled()
    {
        var (helper, pid) = await StartHelperAsync(Sandboxed(HelperSandbox.Default.WithCgroupLimits(cpuQuota: 0.1)));

        await CallAsync(helper, "busy", 500);

        var stat = await File.ReadAllLinesAsync(Path.Combine(CpuCgroupDirectory(pid), "cpu.stat"));
        Assert.True(long.Parse(stat.Single(l => l.StartsWith("nr_throttled ", StringComparison.Ordinal)).Split(' ')[1]) > 0, string.Join("; ", stat));
    }

    [RealCgroupFact]
    public async Task Cgroup_limits_keep_their_cgroup_when_cgroups_are_turned_off_after_the_sandbox_was_set()
    {
        var launch = Native.Launch.LaunchOptions.Default.WithSandbox(HelperSandbox.Default.WithCgroupLimits(maxTasks: 40)).WithCgroup(false);
        var (helper, pid) = await StartHelperAsync(HelperOptions.Default.WithLaunch(launch));

        Assert.Equal(pid, await CallAsync(helper, "pid"));
        Assert.Equal(EAGAIN, int.Parse((await helper.Ask<HelperResponse>(Call("sandbox_spawn_many", 1000), Patience)).GetResult<string>().Split(',')[1]));
    }

    [Fact]
    public async Task A_helper_at_its_cpu_limit_gets_SIGXCPU_and_is_classified_as_a_crash()
    {
        var (helper, _) = await StartHelperAsync(Sandboxed(HelperSandbox.Default.WithLimits(cpuSeconds: 1)));

        var failure = await Assert.ThrowsAsync<HelperCrashedException>(() => helper.Ask<HelperResponse>(Call("busy", 10_000), Patience));
        Assert.Equal(SignalNames.SIGXCPU, failure.Signal);
        Assert.Equal(HelperFailureKind.Crashed, failure.Kind);
    }

    // The helper's directory in the hierarchy holding the cpu controller (v1), or its unified one (v2).
    private static string CpuCgroupDirectory(int pid)
    {
        var lines = File.ReadAllLines($"/proc/{pid}/cgroup").Select(l => l.Split(':', 3)).ToList();
        var v1 = lines.FirstOrDefault(l => l[1].Split(',').Contains("cpu"));
        var candidates = v1 is not null
            ? new[] { "/sys/fs/cgroup/" + v1[1] + v1[2], "/sys/fs/cgroup/cpu" + v1[2], "/sys/fs/cgroup/cpu,cpuacct" + v1[2] }
            : lines.Where(l => l[1] == "").SelectMany(l => new[] { "/sys/fs/cgroup" + l[2], "/sys/fs/cgroup/unified" + l[2] }).ToArray();
        return candidates.First(d => File.Exists(Path.Combine(d, "cpu.stat")));
    }

    private static int ParentOf(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1]);
        }
        catch (IOException)
        {
            return 0;
        }
    }
}
