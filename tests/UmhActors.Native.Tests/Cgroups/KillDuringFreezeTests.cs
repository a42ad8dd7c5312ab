using System.Diagnostics;
using UmhActors.Native.Cgroups;
using UmhActors.Native.Exit;
using UmhActors.Native.Launch;
using UmhActors.Native.Tests.Support;
using UmhActors.Tests.Shared;

namespace UmhActors.Native.Tests.Cgroups;

/// <summary>A kill never waits for a freeze in progress: the freeze's wait for the kernel (up to
/// its timeout, when a task stuck in the kernel keeps the cgroup FREEZING) holds no lock the kill
/// needs, and the kill's thaw makes the freeze give up.</summary>
[Collection(CgroupCollection.Name)]
public sealed class KillDuringFreezeTests
{
    private static readonly TimeSpan FreezeTimeout = TimeSpan.FromSeconds(10);
    // Far below FreezeTimeout: a kill that waited for the freeze would take all of it.
    private static readonly TimeSpan Prompt = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task A_kill_during_a_freeze_the_kernel_never_completes_returns_at_once_and_the_helper_dies()
    {
        // The mimic plays a kernel that never reports the freeze complete, as a task in
        // uninterruptible sleep would; the helper itself is a real process.
        using var root = new MimicCgroupRoot();
        var process = HelperLauncher.Start(ExecTarget.ForPath("/bin/sh"), LaunchOptions.Default.WithArguments("-c", "read _ignored").WithCgroup(), root.Probe());
        var cgroup = process.Cgroup!;
        var freeze = Task.Factory.StartNew(() => cgroup.Freeze(FreezeTimeout), TaskCreationOptions.LongRunning);
        await Eventually(() => File.ReadAllText(Path.Combine(cgroup.Path, "cgroup.freeze")).StartsWith('1'), "the freeze to be requested");
        Assert.False(freeze.IsCompleted, "the freeze should still be waiting for the kernel");

        var clock = Stopwatch.StartNew();
        var kill = Task.Factory.StartNew(process.Kill, TaskCreationOptions.LongRunning);
        var done = await Task.WhenAny(kill, Task.Delay(Prompt));
        Assert.True(done == kill, $"the kill waited for the freeze ({clock.Elapsed.TotalMilliseconds:F0} ms so far)");
        var exit = await process.Exited.WaitAsync(ProcessText.Timeout);
        Assert.Equal(SignalNames.SIGKILL, exit.Signal);

        var error = await Assert.ThrowsAnyAsync<Exception>(() => freeze.WaitAsync(Prompt));
        Assert.True(error is CgroupException { Operation: "freeze" } or ObjectDisposedException, $"the freeze ended with {error}");
        await process.DisposeAsync();
    }

    [RealCgroupFact(needsFreezer: true)]
    public async Task Racing_a_freeze_and_a_kill_on_two_threads_kills_promptly_and_leaves_no_cgroup()
    {
        using var blob = CgroupBlobs.Sleeper();
        for (var round = 0; round < 10; round++)
        {
            var process = HelperLauncher.Launch(blob, LaunchOptions.Default.WithCgroup());
            var cgroup = process.Cgroup!;
            using var start = new Barrier(2);
            var freeze = Task.Factory.StartNew(() =>
            {
                start.SignalAndWait();
                cgroup.Freeze(FreezeTimeout);
            }, TaskCreationOptions.LongRunning);
            var kill = Task.Factory.StartNew(() =>
            {
                start.SignalAndWait();
                // Half the rounds let the freeze start first, so the kill lands on it in progress.
                if (round % 2 == 0) Thread.SpinWait(2000);
                var clock = Stopwatch.StartNew();
                process.Kill();
                return clock.Elapsed;
            }, TaskCreationOptions.LongRunning);

            var killTook = await kill.WaitAsync(ProcessText.Timeout);
            Assert.True(killTook < Prompt, $"round {round}: the kill took {killTook.TotalMilliseconds:F0} ms");
            var exit = await process.Exited.WaitAsync(ProcessText.Timeout);
            Assert.Equal(SignalNames.SIGKILL, exit.Signal);
            // The freeze either completed before the kill, or gave up: never waits out its timeout.
            try
            {
                await freeze.WaitAsync(Prompt);
            }
            catch (Exception e) when (e is CgroupException { Operation: "freeze" } or ObjectDisposedException)
            {
            }
            await process.DisposeAsync();
            Assert.All(cgroup.Paths, dir => Assert.False(Directory.Exists(dir), dir));
        }
    }

    private static async Task Eventually(Func<bool> condition, string what)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition())
        {
            if (deadline.Elapsed > ProcessText.Timeout) throw new TimeoutException($"waited {ProcessText.Timeout} for {what}");
            await Task.Delay(5);
        }
    }
}
