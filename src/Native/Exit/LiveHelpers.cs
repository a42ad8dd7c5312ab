using System.Collections.Concurrent;
using UmhActors.Native.Processes;

namespace UmhActors.Native.Exit;

/// <summary>
/// Every helper not yet reaped. When the host exits normally, each one's process group gets
/// SIGKILL so no helper outlives its host. (A host killed with SIGKILL cannot run this; its
/// helpers see end of file on stdin and exit by themselves.) A reaped helper leaves this set
/// before its group's number can be reused, so the kill at exit never reaches a stranger's group.
/// </summary>
internal static class LiveHelpers
{
    private static readonly ConcurrentDictionary<HelperProcess, byte> s_helpers = new();

    static LiveHelpers() => AppDomain.CurrentDomain.ProcessExit += (_, _) => KillAll();

    public static int Count => s_helpers.Count;

    public static void Add(HelperProcess helper) => s_helpers[helper] = 0;

    public static void Remove(HelperProcess helper) => s_helpers.TryRemove(helper, out _);

    private static void KillAll()
    {
        foreach (var helper in s_helpers.Keys)
        {
            try
            {
                helper.SignalGroup(SignalNames.SIGKILL);
            }
            catch (IOException)
            {
                // Best effort at exit: the others still get theirs.
            }
        }
    }
}
