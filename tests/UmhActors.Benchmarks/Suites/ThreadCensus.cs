namespace UmhActors.Benchmarks.Suites;

/// <summary>
/// The host's threads at one moment, by who owns them, from the names in <c>/proc/self/task/*/comm</c>:
/// <c>Library</c> the library's own (<c>umh-*</c>: the reactor, the spawn threads), <c>Pool</c> the
/// thread pool's workers (<c>.NET TP Worker</c>), <c>Runtime</c> the runtime's service threads (every
/// other <c>.NET …</c> name: finalizer, tiered compilation, GC, timer, gate, event pipe, debugger,
/// signal handler, and long-running tasks such as Akka's scheduler), <c>Other</c> the rest (the main
/// thread, unnamed threads). So a count over the target says which part grew.
/// </summary>
internal readonly record struct ThreadCensus(int Library, int Pool, int Runtime, int Other, string Names)
{
    public int Total => Library + Pool + Runtime + Other;

    public static ThreadCensus Take()
    {
        var names = new List<string>();
        foreach (var task in Directory.GetDirectories("/proc/self/task"))
        {
            try
            {
                names.Add(File.ReadAllText(task + "/comm").Trim());
            }
            catch (IOException)
            {
                // The thread ended between the listing and the read: not counted.
            }
        }
        int library = 0, pool = 0, runtime = 0, other = 0;
        foreach (var name in names)
        {
            if (name.StartsWith("umh-", StringComparison.Ordinal)) library++;
            else if (name.StartsWith(".NET TP Worker", StringComparison.Ordinal)) pool++;
            else if (name.StartsWith(".NET ", StringComparison.Ordinal)) runtime++;
            else other++;
        }
        var grouped = string.Join(",", names.GroupBy(n => n).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key}x{g.Count()}"));
        return new ThreadCensus(library, pool, runtime, other, grouped);
    }

    public override string ToString() => $"{Total} = {Library} library (umh-*) + {Pool} pool workers + {Runtime} runtime + {Other} other";
}
