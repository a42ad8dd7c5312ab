using System.Collections.Concurrent;

namespace UmhActors.Native.Exit;

/// <summary>
/// Every helper process group still alive in this host. When the host exits normally, each
/// group gets SIGKILL so no helper outlives its host. (A host killed with SIGKILL cannot run
/// this; its helpers see end of file on stdin and exit by themselves.)
/// </summary>
internal static class LiveHelpers
{
    private static readonly ConcurrentDictionary<int, byte> s_groups = new();

    static LiveHelpers() => AppDomain.CurrentDomain.ProcessExit += (_, _) => KillAll();

    public static int Count => s_groups.Count;

    public static void Add(int processGroup) => s_groups[processGroup] = 0;

    public static void Remove(int processGroup) => s_groups.TryRemove(processGroup, out _);

    private static void KillAll()
    {
        foreach (var group in s_groups.Keys)
            Tmds.Linux.LibC.killpg(group, SignalNames.SIGKILL);
    }
}
