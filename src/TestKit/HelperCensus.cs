using UmhActors.Native.Cgroups;

namespace UmhActors.TestKit;

/// <summary>
/// What of this host's helpers exists right now, seen from outside the library's own bookkeeping:
/// live child processes running from a <c>umh:</c> memfd (<c>/proc/PID/exe</c> reads
/// <c>/memfd:umh:NAME (deleted)</c>) and helper cgroups named after this host
/// (<c>umh-HOSTPID-…</c>) in the host's cgroup directories.
/// </summary>
internal static class HelperCensus
{
    private const string MemfdPrefix = "/memfd:umh:";

    /// <summary>Descriptions of what is left ("pid 123 (memfd:umh:x)", a cgroup path); empty when nothing.</summary>
    public static List<string> Leftovers(string? blobName)
    {
        var left = new List<string>();
        var self = Environment.ProcessId;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            if (ParentAndState(dir) is not (var parent, var state) || parent != self || state is 'Z' or 'X') continue;
            string? exe;
            try
            {
                exe = new FileInfo(Path.Combine(dir, "exe")).LinkTarget;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue; // gone meanwhile
            }
            if (exe is null || !exe.StartsWith(MemfdPrefix, StringComparison.Ordinal)) continue;
            var name = exe[MemfdPrefix.Length..].Replace(" (deleted)", "", StringComparison.Ordinal);
            if (blobName is null || name == blobName) left.Add($"helper process {pid} ({exe}, state {state})");
        }
        var support = CgroupSupport.Current;
        if (!support.IsAvailable) return left;
        var prefix = $"umh-{self}-";
        foreach (var hostDirectory in support.HostDirectories)
        {
            IEnumerable<string> children;
            try
            {
                children = Directory.EnumerateDirectories(hostDirectory, prefix + "*").ToList();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue;
            }
            foreach (var cgroup in children)
                if (blobName is null || Path.GetFileName(cgroup).EndsWith("-" + blobName, StringComparison.Ordinal))
                    left.Add($"helper cgroup {cgroup}");
        }
        return left;
    }

    /// <summary>True once every thread of <paramref name="pid"/> is stopped ('T'): a group stop completes
    /// thread by thread after <c>kill</c> returns. False when the process is gone.</summary>
    public static bool AllThreadsStopped(int pid)
    {
        try
        {
            var threads = Directory.GetDirectories($"/proc/{pid}/task");
            return threads.Length > 0 && threads.All(thread => ParentAndState(thread) is (_, 'T'));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static (int Parent, char State)? ParentAndState(string procDir)
    {
        string text;
        try
        {
            text = File.ReadAllText(Path.Combine(procDir, "stat"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
        // The command name is in parentheses and may hold spaces: the fields follow the last ')'.
        var rest = text[(text.LastIndexOf(')') + 2)..].Split(' ');
        return (int.Parse(rest[1]), rest[0][0]);
    }
}
