using System.Text.RegularExpressions;
using Akka.Actor;
using UmhActors.Failures;
using UmhActors.Helpers;
using UmhActors.Native.Blobs;
using UmhActors.Native.Cgroups;
using UmhActors.Native.Launch;
using UmhActors.Supervision;
using UmhActors.Tests.Shared;
using UmhActors.Tests.Support;
using Xunit.Abstractions;

namespace UmhActors.Tests.Supervision;

/// <summary>Every failure of the launch path, cgroup failures included, is a LaunchFailed judged by
/// the policy table (backoff, intensity), never an exception that makes Akka restart the actor at once.</summary>
public sealed class LaunchFailureSupervisionTests(ITestOutputHelper output) : HelperSpec(output)
{
    private const string BlobName = "cgroup-mkdir-fails";

    [RealCgroupFact]
    public async Task A_cgroup_that_cannot_be_created_is_a_LaunchFailed_decision_under_backoff_not_a_restart_loop()
    {
        using var blob = HelperBlob.FromBytes(BlobName, "#!/bin/sh\nexec cat >/dev/null\n"u8);
        // A real kernel failure: the helper's cgroup directory already exists, so mkdir fails (EEXIST).
        var squatted = await SquatNextCgroupNamesAsync(blob, count: 40);
        try
        {
            var policy = HelperSupervisionPolicy.Default.With(HelperFailureKind.LaunchFailed, HelperKindPolicy.Restart with
            {
                Backoff = new HelperBackoff(TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(100), 0, TimeSpan.FromMinutes(1)),
                Intensity = new RestartIntensity(2, TimeSpan.FromMinutes(1)),
            });
            var decisions = CreateTestProbe();
            Sys.EventStream.Subscribe(decisions.Ref, typeof(HelperSupervisionDecision));
            var helper = Sys.ActorOf(HelperActor.Props(blob, HelperOptions.Default
                .WithLaunch(LaunchOptions.Default.WithMemoryLimit(64L * 1024 * 1024))
                .WithSupervision(policy)));
            Watch(helper);

            var seen = new List<HelperSupervisionDecision>();
            for (var i = 0; i < 3; i++) seen.Add(decisions.ExpectMsg<HelperSupervisionDecision>(Patience));
            Assert.All(seen, d => Assert.Equal(HelperFailureKind.LaunchFailed, d.Kind));
            Assert.All(seen, d => Assert.IsType<CgroupException>(d.Failure.InnerException));
            Assert.Equal([(HelperDirective.Restart, 1), (HelperDirective.Restart, 2), (HelperDirective.Stop, 3)],
                seen.Select(d => (d.Directive, d.Attempt)));
            Assert.Equal([false, false, true], seen.Select(d => d.IntensityExceeded));
            Assert.Contains("EEXIST", seen[0].Failure.Message);
            ExpectTerminated(helper, Patience);
        }
        finally
        {
            foreach (var directory in squatted) Directory.Delete(directory);
        }
    }

    /// <summary>Creates the cgroup directories the next launches of <paramref name="blob"/> will try
    /// to create; their names come from a probe launch (host pid, counter, pid namespace, blob name).</summary>
    private static async Task<List<string>> SquatNextCgroupNamesAsync(HelperBlob blob, int count)
    {
        using var probeBlob = HelperBlob.FromBytes("cgroup-name-probe", "#!/bin/sh\nexit 0\n"u8);
        string probePath;
        await using (var probe = HelperLauncher.Launch(probeBlob, LaunchOptions.Default.WithCgroup()))
        {
            probePath = probe.Cgroup!.Path;
            await probe.Exited.WaitAsync(Patience);
        }
        var match = Regex.Match(Path.GetFileName(probePath), @"^(?<head>umh-[0-9]+-)(?<n>[0-9]+)(?<ns>-p[0-9]+-)");
        Assert.True(match.Success, $"unexpected helper cgroup name {probePath}");
        var next = long.Parse(match.Groups["n"].Value) + 1;
        var parent = Path.GetDirectoryName(probePath)!;
        var made = new List<string>();
        for (var n = next; n < next + count; n++)
        {
            var directory = Path.Combine(parent, $"{match.Groups["head"].Value}{n}{match.Groups["ns"].Value}{blob.Name}");
            Directory.CreateDirectory(directory);
            made.Add(directory);
        }
        return made;
    }
}
