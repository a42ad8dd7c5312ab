using System.Diagnostics;
using UmhActors.Native.Cgroups;
using UmhActors.Tests.Shared;
using UmhActors.Tests.Support;

namespace UmhActors.Tests.Helpers;

/// <summary>A new host removes the helper cgroups a dead host left behind, by itself, before it
/// creates its own first helper cgroup.</summary>
public sealed class FirstSweepTests
{
    [RealCgroupFact]
    public async Task A_new_host_sweeps_stale_cgroups_before_its_first_helper_cgroup()
    {
        var support = CgroupSupport.Current;
        var deadPid = await DeadPidAsync();
        var nsTag = "p" + new FileInfo("/proc/self/ns/pid").LinkTarget!.Split('[', ']')[1];
        // On v1 the host runs in cgroups of its own, so no other host here sweeps the stale ones
        // first. (v2 forbids processes beside child cgroups: there it shares this test's cgroup.)
        var hostDirs = support.Backend == CgroupBackend.V1
            ? support.HostDirectories.Select(d => Path.Combine(d, $"umhtest-first-sweep-{Guid.NewGuid():N}")).ToList()
            : [];
        var parents = hostDirs.Count > 0 ? hostDirs : support.HostDirectories.ToList();
        var stale = parents.Select(d => Path.Combine(d, $"umh-{deadPid}-1-{nsTag}-left-by-a-dead-host")).ToList();
        try
        {
            foreach (var directory in hostDirs.Concat(stale)) Directory.CreateDirectory(directory);
            using var host = HostProcessRunner.Start(["sweep"], hostDirs.Select(d => Path.Combine(d, "cgroup.procs")).ToList());
            Assert.Equal("first-sweep-before none", await host.ReadLineAsync());
            var after = await host.ReadLineAsync();
            Assert.NotNull(after);
            Assert.StartsWith("first-sweep-after ran", after);
            Assert.Equal(0, await host.WaitForExitAsync(TimeSpan.FromSeconds(30)));

            Assert.All(stale, directory => Assert.False(Directory.Exists(directory), $"{directory} is still there"));
            if (hostDirs.Count > 0)
            {
                var removed = after["first-sweep-after ".Length..].Split('|').Skip(1).ToList();
                Assert.Equal(stale.Order(), removed.Order());
            }
        }
        finally
        {
            foreach (var directory in stale.Concat(hostDirs).Where(Directory.Exists)) RemoveCgroup(directory);
        }
    }

    private static async Task<int> DeadPidAsync()
    {
        using var exited = Process.Start(new ProcessStartInfo("/bin/true") { UseShellExecute = false })!;
        await exited.WaitForExitAsync();
        return exited.Id;
    }

    // What the host left (its helpers' cgroups are removed at its exit) goes first, then the directory.
    private static void RemoveCgroup(string directory)
    {
        foreach (var child in Directory.GetDirectories(directory)) RemoveCgroup(child);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        while (true)
        {
            try
            {
                Directory.Delete(directory);
                return;
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(20);
            }
        }
    }
}
