using UmhActors.Native;
using UmhActors.Native.Launch;

namespace UmhActors.Helpers;

/// <summary>
/// Prepares, when the ActorSystem extension starts, what the launch and request paths would
/// otherwise initialise lazily: a type initialiser or assembly load that first runs while the host
/// is out of fds fails for the life of the process (see <see cref="StaticStateWarmup"/>).
/// </summary>
internal static class RequestPathWarmup
{
    private static readonly object s_gate = new();
    private static volatile bool s_typesPrepared;

    // Namespaces whose code runs on the launch, request, failure and supervision paths.
    private static readonly string[] PathNamespaces =
        ["UmhActors.Helpers", "UmhActors.Requests", "UmhActors.Failures", "UmhActors.Supervision", "UmhActors.Guardian", "UmhActors.Diagnostics"];

    /// <summary>Prepares the launch path (<c>HelperLauncher.Prepare</c>: MessagePack included) and
    /// this assembly's request-path types; what fails for want of fds now is tried again at the
    /// next call.</summary>
    public static void Prepare()
    {
        // Before the chaos of restarts starts the JIT on its failure paths (see NativeMmapThreshold).
        Native.Memory.NativeMmapThreshold.Apply();
        HelperLauncher.Prepare();
        // Now, not at the first launch: the runtime aborts the process ("Out of memory.") when it
        // cannot start a thread, and the first launch may meet an fd shortage.
        SpawnThreads.Prepare();
        if (s_typesPrepared) return;
        lock (s_gate)
        {
            if (s_typesPrepared) return;
            try
            {
                StaticStateWarmup.PrepareTypes(typeof(RequestPathWarmup).Assembly.GetTypes()
                    .Where(t => !t.IsNested && PathNamespaces.Contains(t.Namespace)));
                s_typesPrepared = true;
            }
            catch (IOException)
            {
                // An assembly could not be opened (no fd free now): the next extension start retries.
            }
        }
    }
}
