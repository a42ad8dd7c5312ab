using Akka.Actor;
using UmhActors.Helpers;
using UmhActors.Native.Sandbox;
using UmhActors.Requests;
using UmhActors.Tests.Support;
using Xunit.Abstractions;
using static UmhActors.Tests.Sandbox.SandboxSupport;

namespace UmhActors.Tests.Sandbox;

/// <summary>The host sets rlimits from outside right after spawn while the helper may already be
/// switching to its sandbox uid; whichever wins, the launch succeeds and the limits hold.</summary>
public sealed class SandboxLaunchRaceTests(ITestOutputHelper output) : HelperSpec(output)
{
    [RootFact]
    public async Task Sandboxed_launches_succeed_whether_the_host_or_the_helper_sets_the_limits_first()
    {
        // Without CAP_SYS_RESOURCE (this machine's root has none) prlimit on a helper that already
        // dropped to uid 65534 fails with EPERM; concurrent launches make that order likely.
        var sandbox = HelperSandbox.Default.WithIdentity(65534, 65534).WithLimits(openFiles: 200, cpuSeconds: 100, addressSpaceBytes: 64L << 30);
        var helpers = Enumerable.Range(0, 16).Select(_ => Sys.ActorOf(HelperActor.Props(TestHelperBlob.Instance, Sandboxed(sandbox)))).ToList();

        var pids = await Task.WhenAll(helpers.Select(h => h.Ask<HelperResponse>(Call("pid"), Patience)));

        foreach (var pid in pids.Select(p => (int)p.GetResult<long>()))
        {
            var limits = await File.ReadAllLinesAsync($"/proc/{pid}/limits");
            Assert.Matches(@"^Max open files\s+200\s+200\s", limits.Single(l => l.StartsWith("Max open files")));
            Assert.Equal("65534\t65534\t65534\t65534", ProcessField(pid, "Uid"));
        }
    }
}
