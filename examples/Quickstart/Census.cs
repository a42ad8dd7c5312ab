using UmhActors.Native.Blobs;
using UmhActors.Native.Cgroups;

/// <summary>What this process still has of its helpers: live children running from a umh memfd,
/// and helper cgroups (named umh-PID-…) inside this process's own cgroups.</summary>
internal static class Census
{
    public static List<int> HelperProcesses()
    {
        var pids = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            try
            {
                // Fields after the command's closing parenthesis: state, then parent pid.
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                if (fields[0] == "Z" || int.Parse(fields[1]) != Environment.ProcessId) continue;
                if (new FileInfo(Path.Combine(dir, "exe")).LinkTarget?.StartsWith("/memfd:" + HelperBlob.MemfdNamePrefix, StringComparison.Ordinal) == true)
                    pids.Add(pid);
            }
            catch (IOException)
            {
                // Gone while we looked: not left behind.
            }
        }
        return pids;
    }

    public static List<string> HelperCgroups() =>
        CgroupSupport.Current.HostDirectories
            .SelectMany(dir => Directory.GetDirectories(dir, $"umh-{Environment.ProcessId}-*"))
            .ToList();
}
