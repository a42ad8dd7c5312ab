using System.Globalization;

namespace UmhActors.Protocol.Runtime;

/// <summary>
/// Reads the memory limit of the cgroup this process runs in, from <c>/proc/self/cgroup</c>,
/// <c>/proc/self/mountinfo</c> and the cgroup's <c>memory.max</c> (v2) or
/// <c>memory.limit_in_bytes</c> (v1): plain file reads, as this assembly makes no system calls of its own.
/// </summary>
internal static class OwnMemoryLimit
{
    // v1 reports "no limit" as a page-rounded LONG_MAX; anything this large is no limit.
    private const long Unlimited = 1L << 60;
    // UmhActors.Native names each helper's cgroup umh-HOSTPID-N-….
    private const string HelperCgroupPrefix = "umh-";

    /// <summary>The limit in bytes of this helper's own cgroup, or null when it has none (or no cgroup
    /// of its own) or it cannot be read.</summary>
    public static long? Read()
    {
        try
        {
            foreach (var line in File.ReadAllLines("/proc/self/cgroup"))
            {
                // "ID:CONTROLLERS:PATH"; v2's unified line is "0::PATH".
                var parts = line.Split(':', 3);
                if (parts.Length != 3) continue;
                if (parts[1].Length == 0 && Limit(Directory("cgroup2", null, parts[2]), "memory.max") is { } v2) return v2;
                if (parts[1].Split(',').Contains("memory") && Limit(Directory("cgroup", "memory", parts[2]), "memory.limit_in_bytes") is { } v1) return v1;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
        return null;
    }

    private static long? Limit(string? directory, string file)
    {
        // Only a cgroup of this helper's own, made by its host: the host's or a container's limit is
        // shared with others, and allocating past it would hurt them.
        if (directory is null || !Path.GetFileName(directory.TrimEnd('/')).StartsWith(HelperCgroupPrefix, StringComparison.Ordinal)) return null;
        var path = Path.Combine(directory, file);
        if (!File.Exists(path)) return null;
        var text = File.ReadAllText(path).Trim();
        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var bytes) && bytes < Unlimited ? bytes : null;
    }

    // The mount of the hierarchy (fstype, and for v1 the controller among its super options),
    // joined with the cgroup's path relative to the mount's root.
    private static string? Directory(string fsType, string? controller, string cgroupPath)
    {
        foreach (var line in File.ReadAllLines("/proc/self/mountinfo"))
        {
            var separator = line.IndexOf(" - ", StringComparison.Ordinal);
            if (separator < 0) continue;
            var fields = line[..separator].Split(' ');
            var tail = line[(separator + 3)..].Split(' ');
            if (fields.Length < 5 || tail.Length < 3 || tail[0] != fsType) continue;
            if (controller is not null && !tail[2].Split(',').Contains(controller)) continue;
            var root = fields[3];
            var relative = root == "/" ? cgroupPath : cgroupPath.StartsWith(root, StringComparison.Ordinal) ? cgroupPath[root.Length..] : null;
            if (relative is null) continue;
            return fields[4] + relative;
        }
        return null;
    }
}
