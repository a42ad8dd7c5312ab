using System.Collections.Concurrent;
using UmhActors.Native.Launch;

namespace UmhActors.Native.Tests;

/// <summary>The spawn threads (docs/supervision.md, "Launching"): one per CPU, at least two, so a
/// mass start adds no more threads to the host than the CPUs can run spawns on, and every queued
/// launch still runs on one of them.</summary>
public sealed class SpawnThreadSizingTests
{
    [Fact]
    public void Spawn_threads_are_one_per_cpu_at_least_two_and_run_every_queued_launch()
    {
        var expected = Math.Clamp(Environment.ProcessorCount, 2, 16);
        var ranOn = new ConcurrentBag<string?>();
        using var done = new CountdownEvent(3 * expected);

        for (var i = 0; i < 3 * expected; i++)
        {
            SpawnThreads.Run(() =>
            {
                ranOn.Add(Thread.CurrentThread.Name);
                done.Signal();
            });
        }

        Assert.True(done.Wait(TimeSpan.FromSeconds(10)), "every queued launch ran");
        Assert.All(ranOn, name => Assert.StartsWith("umh-spawn-", name));
        Assert.Equal(expected, SpawnThreads.Count);
        Assert.Equal(expected, HostThreadsNamed("umh-spawn-"));
    }

    // The host's live threads whose name (as the kernel knows it) starts with the prefix.
    private static int HostThreadsNamed(string prefix) =>
        Directory.GetDirectories("/proc/self/task").Count(task =>
        {
            try
            {
                return File.ReadAllText(task + "/comm").StartsWith(prefix, StringComparison.Ordinal);
            }
            catch (IOException)
            {
                return false;
            }
        });
}
