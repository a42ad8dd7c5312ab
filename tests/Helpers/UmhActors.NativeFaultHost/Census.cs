namespace UmhActors.NativeFaultHost;

/// <summary>This host's zombie children, read from /proc.</summary>
internal static class Census
{
    public static int ZombieChildren()
    {
        var self = Environment.ProcessId;
        var count = 0;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out _)) continue;
            string stat;
            try { stat = File.ReadAllText(Path.Combine(dir, "stat")); }
            catch (IOException) { continue; }
            var rest = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            if (rest[0] == "Z" && int.Parse(rest[1]) == self) count++;
        }
        return count;
    }
}
