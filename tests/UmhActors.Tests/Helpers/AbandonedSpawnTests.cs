using System.Text;
using UmhActors.Helpers;
using UmhActors.Native.Blobs;
using UmhActors.Tests.Support;
using Xunit.Abstractions;

namespace UmhActors.Tests.Helpers;

/// <summary>A helper actor that stops while its spawn runs on a spawn thread abandons the spawn:
/// whatever the spawn started is killed, and only then is the launch permit returned.</summary>
public sealed class AbandonedSpawnTests(ITestOutputHelper output) : HelperSpec(output)
{
    [Fact]
    public async Task A_spawn_abandoned_by_its_stopping_actor_leaves_no_helper_running_and_returns_its_permit()
    {
        var pidFiles = new List<string>();
        for (var round = 0; round < 12; round++)
        {
            var pidFile = Path.Combine(Path.GetTempPath(), $"umh-abandoned-{Guid.NewGuid():N}");
            pidFiles.Add(pidFile);
            // Writes its pid as soon as it runs, then lives on unless killed.
            using var blob = HelperBlob.FromBytes("abandoned", Encoding.UTF8.GetBytes($"#!/bin/sh\necho $$ > {pidFile}\nexec sleep 60\n"));
            var probe = CreateTestProbe();
            var released = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var spawn = HelperSpawn.Start(1, blob, HelperOptions.Default, probe.Ref);
            // Abandoned at once (spawn still running) or a little later (spawn done, not yet taken).
            if (round % 2 == 1) await Task.Delay(round * 5);
            spawn.Abandon(() => released.TrySetResult());
            await released.Task.WaitAsync(Patience);
            Assert.Null(spawn.Take());
        }

        await AwaitAssertAsync(() =>
        {
            var running = pidFiles.Where(File.Exists).Select(f => File.ReadAllText(f).Trim()).Where(pid => pid.Length > 0 && IsRunning(int.Parse(pid))).ToList();
            Assert.True(running.Count == 0, $"abandoned helper(s) still running: pids {string.Join(", ", running)}");
        }, Patience);
        foreach (var file in pidFiles) File.Delete(file);
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..][0] is not ('Z' or 'X');
        }
        catch (IOException)
        {
            return false;
        }
    }
}
