namespace UmhActors.Tests.Shared;

/// <summary>What this test host holds: open fds and child processes. Used to prove that
/// launches leak nothing.</summary>
internal static class HostCensus
{
    private static readonly int Self = Environment.ProcessId;

    /// <summary>Open fds, less the assembly files the runtime opens as it loads them lazily
    /// (Microsoft.Win32.Registry.dll was seen loading, from native code, in the middle of a test):
    /// those are the runtime's, not what a launch could leak.</summary>
    public static int OpenFdCount() => Directory.GetFileSystemEntries("/proc/self/fd").Count(fd => !IsAssemblyFile(fd));

    private static bool IsAssemblyFile(string fd)
    {
        try
        {
            return new FileInfo(fd).LinkTarget?.EndsWith(".dll", StringComparison.Ordinal) == true;
        }
        catch (IOException)
        {
            return false; // closed meanwhile: not counted either way
        }
    }

    /// <summary>Direct children of this process that are zombies (exited, never reaped).</summary>
    public static int ZombieChildCount() => ChildStates().Count(state => state == 'Z');

    /// <summary>The state letter of each direct child ('R', 'S', 'Z', …).</summary>
    public static IEnumerable<char> ChildStates()
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out _)) continue;
            var stat = ReadStat(dir);
            if (stat is { } s && s.ParentPid == Self) yield return s.State;
        }
    }

    /// <summary>Pids of this host's live children running the blob named <paramref name="blobName"/>.</summary>
    public static List<int> RunningChildrenOfBlob(string blobName)
    {
        var pids = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            if (ReadStat(dir) is not { ParentPid: var parent, State: not 'Z' } || parent != Self) continue;
            try
            {
                if (new FileInfo(Path.Combine(dir, "exe")).LinkTarget == $"/memfd:umh:{blobName} (deleted)") pids.Add(pid);
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
        return pids;
    }

    /// <summary>True while a process with this pid exists and is not a zombie.</summary>
    public static bool IsRunning(int pid) => ReadStat($"/proc/{pid}") is { State: not 'Z' and not 'X' };

    /// <summary>(state, ppid, pgrp) from /proc/PID/stat, or null when the process is gone.</summary>
    public static ProcStat? ReadStat(string procDir)
    {
        string text;
        try { text = File.ReadAllText(Path.Combine(procDir, "stat")); }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
        // The command name is in parentheses and may contain spaces; fields follow the last ')'.
        var rest = text[(text.LastIndexOf(')') + 2)..].Split(' ');
        return new ProcStat(rest[0][0], int.Parse(rest[1]), int.Parse(rest[2]));
    }

    /// <summary>Polls <paramref name="condition"/> until it holds or <paramref name="timeout"/> passes.</summary>
    public static async Task<bool> EventuallyAsync(Func<bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (condition()) return true;
            await Task.Delay(20);
        }
        return condition();
    }
}

internal readonly record struct ProcStat(char State, int ParentPid, int ProcessGroup);
