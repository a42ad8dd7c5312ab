using System.Collections.Concurrent;

namespace UmhActors.Native.Cgroups;

/// <summary>
/// Every helper cgroup not yet removed, including those whose removal failed (retried before
/// the next helper cgroup is created, and at exit). When the host exits normally its helpers are
/// killed without being reaped, so their cgroups are removed here instead of being left behind in
/// the host's cgroup. (A host killed with SIGKILL leaves them, named after its pid; the next host in
/// the same cgroup removes them, see <see cref="CgroupSupport.RemoveStaleCgroups"/>.)
/// </summary>
internal static class LiveCgroups
{
    private static readonly ConcurrentDictionary<HelperCgroup, byte> s_cgroups = new();

    static LiveCgroups() => AppDomain.CurrentDomain.ProcessExit += (_, _) => RemoveAll();

    public static int Count => s_cgroups.Count;

    public static void Add(HelperCgroup cgroup) => s_cgroups[cgroup] = 0;

    public static void Remove(HelperCgroup cgroup) => s_cgroups.TryRemove(cgroup, out _);

    /// <summary>Retries the removals that failed earlier (e.g. under EMFILE); failures stay on
    /// each cgroup's <see cref="HelperCgroup.RemovalError"/>.</summary>
    public static void RetryFailedRemovals()
    {
        foreach (var cgroup in s_cgroups.Keys)
        {
            if (!cgroup.RemovalPending) continue;
            try
            {
                cgroup.Remove();
            }
            catch (IOException)
            {
            }
        }
    }

    private static void RemoveAll()
    {
        foreach (var cgroup in s_cgroups.Keys)
        {
            try
            {
                cgroup.Remove();
            }
            catch (IOException)
            {
                // Best effort at exit: nobody is left to report to.
            }
        }
    }
}
