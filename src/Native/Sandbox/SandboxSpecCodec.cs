using System.Globalization;
using System.Text;

namespace UmhActors.Native.Sandbox;

/// <summary>
/// The spec as the helper receives it: the value of <see cref="VariableName"/>, one <c>key=value</c>
/// per line (paths one per line, so any byte but NUL and newline may be in them). Only keys this
/// version knows are accepted: a helper must never run with part of a spec silently ignored.
/// </summary>
internal static class SandboxSpecCodec
{
    /// <summary>The environment variable the host sets for a sandboxed helper.</summary>
    public const string VariableName = "UMH_SANDBOX";

    private const string Version = "umh-sandbox 1";

    public static string Encode(HelperSandbox s)
    {
        var text = new StringBuilder(Version).Append('\n');
        void Line(string key, object? value)
        {
            if (value is not null) text.Append(key).Append('=').Append(Convert.ToString(value, CultureInfo.InvariantCulture)).Append('\n');
        }
        Line("nnp", s.NoNewPrivileges ? 1 : 0);
        Line("as", s.AddressSpaceBytes);
        Line("cpu", s.CpuSeconds);
        Line("nofile", s.OpenFiles);
        Line("core", s.CoreBytes);
        Line("nproc", s.Processes);
        Line("fs", s.RestrictFileSystem ? 1 : 0);
        foreach (var path in s.ReadOnlyPaths) Line("ro", path);
        foreach (var path in s.ReadWritePaths) Line("rw", path);
        Line("net", s.Network == SandboxNetwork.None ? "none" : "allowed");
        Line("netns", s.NewNetworkNamespace ? 1 : 0);
        Line("seccomp", s.FilterSystemCalls ? 1 : 0);
        foreach (var call in s.ExtraSystemCalls) Line("allow", call);
        Line("denied", s.OnDeniedSystemCall == SeccompAction.KillProcess ? "kill" : "eperm");
        Line("uid", s.Uid);
        Line("gid", s.Gid);
        // Outside parts travel too, so the helper can see its whole spec; it applies none of them.
        Line("tasks", s.MaxTasks);
        Line("cpuquota", s.CpuQuota);
        return text.ToString();
    }

    /// <exception cref="FormatException">Not a spec this version understands.</exception>
    public static HelperSandbox Decode(string text)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        if (lines.Length == 0 || lines[0] != Version) throw new FormatException($"{VariableName} does not start with '{Version}'");
        var s = HelperSandbox.Default with { CoreBytes = null, NoNewPrivileges = false, FilterSystemCalls = false };
        var ro = new List<string>();
        var rw = new List<string>();
        var allow = new List<string>();
        foreach (var line in lines.Skip(1))
        {
            var eq = line.IndexOf('=');
            if (eq <= 0) throw new FormatException($"{VariableName}: '{line}' is not key=value");
            var key = line[..eq];
            var value = line[(eq + 1)..];
            s = key switch
            {
                "nnp" => s with { NoNewPrivileges = Flag(value) },
                "as" => s with { AddressSpaceBytes = Long(value) },
                "cpu" => s with { CpuSeconds = Int(value) },
                "nofile" => s with { OpenFiles = Int(value) },
                "core" => s with { CoreBytes = Long(value) },
                "nproc" => s with { Processes = Int(value) },
                "fs" => s with { RestrictFileSystem = Flag(value) },
                "ro" => Add(ro, value, s),
                "rw" => Add(rw, value, s),
                "net" => s with { Network = value switch { "none" => SandboxNetwork.None, "allowed" => SandboxNetwork.Allowed, _ => throw Bad(key, value) } },
                "netns" => s with { NewNetworkNamespace = Flag(value) },
                "seccomp" => s with { FilterSystemCalls = Flag(value) },
                "allow" => Add(allow, value, s),
                "denied" => s with { OnDeniedSystemCall = value switch { "kill" => SeccompAction.KillProcess, "eperm" => SeccompAction.Eperm, _ => throw Bad(key, value) } },
                "uid" => s with { Uid = Int(value) },
                "gid" => s with { Gid = Int(value) },
                "tasks" => s with { MaxTasks = Int(value) },
                "cpuquota" => s with { CpuQuota = double.Parse(value, NumberStyles.Float, CultureInfo.InvariantCulture) },
                _ => throw new FormatException($"{VariableName}: unknown key '{key}' (a newer host?)"),
            };
        }
        return s with { ReadOnlyPaths = ro, ReadWritePaths = rw, ExtraSystemCalls = allow };

        static HelperSandbox Add(List<string> list, string value, HelperSandbox s)
        {
            list.Add(value);
            return s;
        }
    }

    private static bool Flag(string value) => value switch { "1" => true, "0" => false, _ => throw Bad("flag", value) };

    private static int Int(string value) => int.Parse(value, NumberStyles.Integer, CultureInfo.InvariantCulture);

    private static long Long(string value) => long.Parse(value, NumberStyles.Integer, CultureInfo.InvariantCulture);

    private static FormatException Bad(string key, string value) => new($"{VariableName}: '{value}' is not a valid {key}");
}
