using System.Collections.Concurrent;

namespace UmhActors.Native.Cgroups;

/// <summary>
/// Every helper cgroup not yet removed. When the host exits normally its helpers are killed
/// without being reaped, so their cgroups are removed here instead of being left behind in the
/// host's cgroup. (A host killed with SIGKILL leaves them, named after its pid; the next host in
/// the same cgroup removes them, see <see cref="CgroupSupport.RemoveStaleCgroups"/>.)
/// </summary>
internal static class LiveCgroups
{
    private static readonly ConcurrentDictionary<HelperCgroup, byte> s_cgroups = new();

    static LiveCgroups() => AppDomain.CurrentDomain.ProcessExit += (_, _) => RemoveAll();

    public static int Count => s_cgroups.Count;

    public static void Add(HelperCgroup cgroup) => s_cgroups[cgroup] = 0;

    public static void Remove(HelperCgroup cgroup) => s_cgroups.TryRemove(cgroup, out _);

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
