using System.Collections.Concurrent;
using UmhActors.Native.Blobs;
using UmhActors.Native.Launch;
using UmhActors.Native.Processes;

namespace UmhActors.NativeFaultHost;

/// <summary>Launch churn with no fd reserve: several threads launch at once until the system calls
/// themselves fail with EMFILE (pipe2, memfd, pidfd_open, the child's open of the blob), so every
/// error path of the launch runs at the limit, concurrently with other launches and disposals
/// reusing the same fd numbers. Run under the C library's malloc checking, it looks for the
/// <c>free(): invalid pointer</c> abort.</summary>
internal static class RawChurn
{
    public static void Run(int rounds, int threads)
    {
        using var blob = HelperBlob.FromFile("cat", File.Exists("/bin/cat") ? "/bin/cat" : "/usr/bin/cat");
        var options = LaunchOptions.Default.WithFdReserve(0);
        var failedBy = new ConcurrentDictionary<string, int>();
        var other = new ConcurrentDictionary<string, int>();
        var launched = 0;
        for (var round = 0; round < rounds; round++)
        {
            var helpers = new ConcurrentBag<HelperProcess>();
            var workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
            {
                for (var i = 0; i < 1000; i++)
                {
                    try
                    {
                        helpers.Add(i % 2 == t % 2 ? HelperLauncher.Launch(blob, options) : HelperLauncher.LaunchPath("/bin/cat", options));
                    }
                    catch (LaunchFailedException e) when (e.IsTransient)
                    {
                        failedBy.AddOrUpdate($"{e.Call}:{e.ErrorName}", 1, (_, n) => n + 1);
                        // Another thread's disposal may free fds: a few more tries at the edge.
                        if (i % 4 == 3) break;
                    }
                    catch (Exception e)
                    {
                        other.AddOrUpdate($"{e.GetType().Name}: {e.Message}", 1, (_, n) => n + 1);
                        break;
                    }
                    // Dispose some at once, so fd numbers are freed and reused while others launch.
                    if (i % 5 == 4 && helpers.TryTake(out var early)) early.Dispose();
                }
            })).ToList();
            workers.ForEach(w => w.Start());
            workers.ForEach(w => w.Join());
            launched += helpers.Count;
            foreach (var helper in helpers) helper.Dispose();
            Task.WaitAll(helpers.Select(h => h.Exited).ToArray(), TimeSpan.FromSeconds(30));
            Console.WriteLine($"round={round} held={helpers.Count}");
        }
        Console.WriteLine($"launched={launched}");
        Console.WriteLine($"failed-by={string.Join(",", failedBy.Keys.Order())}");
        Console.WriteLine($"failures={failedBy.Values.Sum()}");
        Console.WriteLine($"other={string.Join(" | ", other.Keys)}");
        Console.WriteLine($"live-helpers={Native.Exit.LiveHelpers.Count}");
        Console.WriteLine($"zombies={Census.ZombieChildren()}");
    }
}
