namespace UmhActors.Native.Sandbox;

/// <summary>
/// Checks a running helper's sandbox from outside, trusting nothing it said: every thread's
/// <c>/proc/PID/task/TID/status</c> (<c>NoNewPrivs</c>, <c>Seccomp</c>, <c>Uid</c>, <c>Gid</c>,
/// <c>Groups</c>, <c>CapEff</c>, <c>CapPrm</c>), <c>/proc/PID/limits</c>, <c>/proc/PID/ns/net</c>, and
/// the helper's cgroup directories.
/// </summary>
public static class SandboxVerifier
{
    /// <summary>Checks helper <paramref name="pid"/> against <paramref name="sandbox"/>, given what
    /// it announced (<paramref name="capabilities"/> from <c>$/hello</c>) and the cgroup directories
    /// the host placed it in (<paramref name="cgroupDirectories"/>; empty when it has none).</summary>
    /// <exception cref="IOException">The helper's <c>/proc</c> entries could not be read (it exited).</exception>
    public static SandboxVerification Verify(int pid, HelperSandbox sandbox, IEnumerable<string> capabilities, IReadOnlyList<string> cgroupDirectories)
    {
        ArgumentNullException.ThrowIfNull(sandbox);
        var required = sandbox.Parts;
        var claimed = SandboxCapabilities.Parse(capabilities);
        var notReported = required & SandboxParts.InHelper & ~claimed;
        var problems = new List<string>();
        var verified = SandboxParts.None;
        var unverified = SandboxParts.None;
        // Claims are checked whether or not the spec asked for them: a helper claiming what it did not do is lying.
        var check = (required | claimed) & ~notReported;

        var threads = ReadThreads(pid);
        if ((check & SandboxParts.NoNewPrivileges) != 0 && Every(threads, "NoNewPrivs", "1", problems)) verified |= SandboxParts.NoNewPrivileges;
        if ((check & SandboxParts.Seccomp) != 0 && Every(threads, "Seccomp", "2", problems)) verified |= SandboxParts.Seccomp;
        if ((check & SandboxParts.Identity) != 0 && sandbox.Uid is { } uid)
        {
            var gid = sandbox.Gid ?? uid;
            var ok = Every(threads, "Uid", $"{uid}\t{uid}\t{uid}\t{uid}", problems) & Every(threads, "Gid", $"{gid}\t{gid}\t{gid}\t{gid}", problems) &
                Every(threads, "Groups", "", problems) & Every(threads, "CapEff", "0000000000000000", problems) & Every(threads, "CapPrm", "0000000000000000", problems);
            if (ok) verified |= SandboxParts.Identity;
        }
        if ((check & SandboxParts.Network) != 0)
        {
            // The socket rule lives in the seccomp filter (Seccomp: 2 above); a namespace shows in ns/net.
            var filtered = Every(threads, "Seccomp", "2", problems);
            var isolated = !sandbox.NewNetworkNamespace || NetworkNamespace(pid) != NetworkNamespace(Environment.ProcessId) ||
                Fail(problems, $"pid {pid}: ns/net is the host's, expected a new network namespace");
            if (filtered && isolated) verified |= SandboxParts.Network;
        }
        if ((check & SandboxParts.Landlock) != 0) unverified |= SandboxParts.Landlock;
        if ((required & SandboxParts.ResourceLimits) != 0 && CheckLimits(pid, sandbox, problems)) verified |= SandboxParts.ResourceLimits;
        if ((required & SandboxParts.Cgroup) != 0 && CheckCgroup(pid, sandbox, cgroupDirectories, problems)) verified |= SandboxParts.Cgroup;
        return new SandboxVerification(required, claimed, verified, unverified, notReported, problems);
    }

    private static List<(string Tid, Dictionary<string, string> Fields)> ReadThreads(int pid)
    {
        var threads = new List<(string, Dictionary<string, string>)>();
        foreach (var task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
        {
            var fields = new Dictionary<string, string>(StringComparer.Ordinal);
            string text;
            try
            {
                text = File.ReadAllText(Path.Combine(task, "status"));
            }
            catch (IOException)
            {
                continue; // a thread that ended between the listing and the read
            }
            foreach (var line in text.Split('\n'))
            {
                var colon = line.IndexOf(':');
                if (colon > 0) fields[line[..colon]] = line[(colon + 1)..].Trim();
            }
            threads.Add((Path.GetFileName(task), fields));
        }
        if (threads.Count == 0) throw new IOException($"/proc/{pid}/task lists no thread: the helper exited");
        return threads;
    }

    private static bool Every(List<(string Tid, Dictionary<string, string> Fields)> threads, string field, string expected, List<string> problems)
    {
        var ok = true;
        foreach (var (tid, fields) in threads)
        {
            var value = fields.GetValueOrDefault(field);
            if (value == expected) continue;
            ok = Fail(problems, $"thread {tid}: {field}: '{value}', expected '{expected}'");
        }
        return ok;
    }

    private static bool Fail(List<string> problems, string problem)
    {
        if (!problems.Contains(problem)) problems.Add(problem);
        return false;
    }

    private static string NetworkNamespace(int pid) => new FileInfo($"/proc/{pid}/ns/net").LinkTarget ?? "";

    private static bool CheckLimits(int pid, HelperSandbox sandbox, List<string> problems)
    {
        var lines = File.ReadAllLines($"/proc/{pid}/limits");
        var ok = true;
        foreach (var (_, name, soft, hard) in ResourceLimits.Of(sandbox))
        {
            var line = lines.FirstOrDefault(l => l.StartsWith(name, StringComparison.Ordinal));
            var words = line?[name.Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries) ?? [];
            var expected = $"{soft} {hard}";
            var actual = words.Length >= 2 ? $"{words[0]} {words[1]}" : "missing";
            if (actual != expected) ok = Fail(problems, $"pid {pid}: limit '{name}' is {actual}, expected {expected}");
        }
        return ok;
    }

    private static bool CheckCgroup(int pid, HelperSandbox sandbox, IReadOnlyList<string> directories, List<string> problems)
    {
        if (directories.Count == 0) return Fail(problems, $"pid {pid}: the spec has cgroup limits but the helper has no cgroup");
        var ok = true;
        foreach (var directory in directories)
        {
            if (!File.ReadAllText(Path.Combine(directory, "cgroup.procs")).Split('\n').Contains(pid.ToString(System.Globalization.CultureInfo.InvariantCulture)))
                ok = Fail(problems, $"pid {pid}: not in its cgroup {directory}");
            var pidsMax = Path.Combine(directory, "pids.max");
            if (sandbox.MaxTasks is { } tasks && File.Exists(pidsMax) && File.ReadAllText(pidsMax).Trim() != tasks.ToString(System.Globalization.CultureInfo.InvariantCulture))
                ok = Fail(problems, $"{pidsMax} is '{File.ReadAllText(pidsMax).Trim()}', expected {tasks}");
        }
        return ok;
    }
}
