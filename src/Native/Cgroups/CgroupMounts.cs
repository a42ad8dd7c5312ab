using System.Text;

namespace UmhActors.Native.Cgroups;

/// <summary>
/// Finds the host process's own cgroup directories from <c>/proc/self/cgroup</c> and
/// <c>/proc/self/mountinfo</c>. Helper cgroups go inside these: that is what delegation allows,
/// and it keeps helpers within the limits the host itself runs under.
/// </summary>
internal sealed class CgroupMounts(string procSelfCgroup, string mountInfo)
{
    /// <summary>The tables of the current process.</summary>
    public static CgroupMounts ForCurrentProcess() =>
        new(File.ReadAllText("/proc/self/cgroup"), File.ReadAllText("/proc/self/mountinfo"));

    /// <summary>The host's directory in the unified (v2) hierarchy; null when no cgroup2 is mounted
    /// or the host's cgroup lies outside the mounted part.</summary>
    public string? FindV2Directory()
    {
        var path = CgroupPath(controllers => controllers == "");
        return path is null ? null : Resolve(path, mount => mount.FsType == "cgroup2");
    }

    /// <summary>The host's directory in the v1 hierarchy that carries <paramref name="controller"/>
    /// (<c>"memory"</c>, <c>"freezer"</c>); null when that controller is not mounted as v1.</summary>
    public string? FindV1Directory(string controller)
    {
        var path = CgroupPath(controllers => controllers.Split(',').Contains(controller));
        return path is null ? null : Resolve(path, mount => mount.FsType == "cgroup" && mount.SuperOptions.Split(',').Contains(controller));
    }

    // "hierarchy-id:controller-list:path"; v2 is the line with an empty controller list.
    private string? CgroupPath(Func<string, bool> controllersMatch)
    {
        foreach (var line in procSelfCgroup.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = line.Split(':', 3);
            if (parts.Length == 3 && controllersMatch(parts[1])) return parts[2];
        }
        return null;
    }

    private string? Resolve(string cgroupPath, Func<Mount, bool> isHierarchy)
    {
        foreach (var mount in Mounts().Where(isHierarchy))
        {
            // A mount may show only a subtree (containers bind-mount their own cgroup as root).
            if (!IsUnder(cgroupPath, mount.Root)) continue;
            var relative = cgroupPath[mount.Root.TrimEnd('/').Length..].TrimStart('/');
            return relative.Length == 0 ? mount.MountPoint : mount.MountPoint.TrimEnd('/') + "/" + relative;
        }
        return null;
    }

    private static bool IsUnder(string path, string root) =>
        root == "/" || path == root || path.StartsWith(root.TrimEnd('/') + "/", StringComparison.Ordinal);

    // "id parent major:minor root mount-point options [optional…] - fstype source super-options"
    private IEnumerable<Mount> Mounts()
    {
        foreach (var line in mountInfo.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var fields = line.Split(' ');
            var dash = Array.IndexOf(fields, "-");
            if (dash < 6 || fields.Length < dash + 4) continue;
            yield return new Mount(Unescape(fields[3]), Unescape(fields[4]), fields[5], fields[dash + 1], fields[dash + 3]);
        }
    }

    // mountinfo escapes space, tab, newline and backslash as \ooo.
    private static string Unescape(string field)
    {
        if (!field.Contains('\\')) return field;
        var bytes = new List<byte>();
        for (var i = 0; i < field.Length; i++)
        {
            if (field[i] == '\\' && i + 3 < field.Length)
            {
                bytes.Add(Convert.ToByte(field.Substring(i + 1, 3), 8));
                i += 3;
            }
            else bytes.AddRange(Encoding.UTF8.GetBytes(field[i].ToString()));
        }
        return Encoding.UTF8.GetString(bytes.ToArray());
    }

    private sealed record Mount(string Root, string MountPoint, string Options, string FsType, string SuperOptions);
}
