using System.Text;

namespace UmhActors.Protocol.Runtime;

/// <summary>
/// Names the helper process after its runtime, which is what <c>ps</c>, <c>top</c> and OOM reports
/// show. A helper started from a memfd is otherwise named after its exec path: "3", for
/// <c>/proc/self/fd/3</c>.
/// </summary>
internal static class ProcessName
{
    // The kernel keeps 15 bytes of a process name.
    private const int MaxBytes = 15;

    public static void TrySet(string name)
    {
        if (!OperatingSystem.IsLinux()) return;
        var ascii = new StringBuilder();
        foreach (var c in name)
        {
            if (ascii.Length == MaxBytes) break;
            ascii.Append(char.IsAscii(c) && !char.IsControl(c) ? c : '_');
        }
        try
        {
            // Writing /proc/self/comm renames the thread-group leader: a plain file write, no syscall binding.
            File.WriteAllText("/proc/self/comm", ascii.ToString());
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A cosmetic name is not worth failing a helper for (e.g. /proc not mounted).
        }
    }
}
