using System.Globalization;
using System.Text;

namespace UmhActors.Benchmarks.Infrastructure;

/// <summary>
/// The host's resident memory mapping by mapping, read from <c>/proc/self/smaps</c>, sorted into
/// kinds: file-backed code and data (the runtime's and the framework's images, paged in as code
/// runs), live thread stacks (found from each thread's stack pointer in <c>/proc/self/task/*/syscall</c>),
/// the brk heap, and other anonymous memory (malloc arenas, the GC's regions, JIT code and loader
/// heaps, cached stacks of exited threads). Two snapshots diffed say which kind grew.
/// </summary>
internal sealed class SmapsSnapshot
{
    /// <summary>One mapping: its address range, name (path, <c>[heap]</c>, or empty), Rss and anonymous
    /// bytes, and whether a live thread's stack pointer lies in it.</summary>
    internal sealed record Mapping(ulong Start, ulong End, string Perms, string Name, long RssBytes, long AnonBytes, bool LiveStack)
    {
        public string Kind => LiveStack ? "thread stacks (live)"
            : Name.StartsWith("/memfd:", StringComparison.Ordinal) ? "memfd"
            : Name.StartsWith('/') ? (Name.EndsWith(".so", StringComparison.Ordinal) || Name.Contains(".so.", StringComparison.Ordinal) ? "file: native libraries" : "file: other (assemblies, data)")
            : Name == "[heap]" ? "brk heap"
            : Name.StartsWith('[') ? "other " + Name
            : Perms.Contains('x') ? "anon executable (JIT code, stubs)"
            : Perms.StartsWith("---", StringComparison.Ordinal) ? "anon reserved (no access)"
            : "anon read/write";

        public long Size => (long)(End - Start);
    }

    private SmapsSnapshot(IReadOnlyList<Mapping> mappings, int threads)
    {
        Mappings = mappings;
        Threads = threads;
    }

    public IReadOnlyList<Mapping> Mappings { get; }

    public int Threads { get; }

    public long RssBytes => Mappings.Sum(m => m.RssBytes);

    /// <summary>Reads <c>/proc/self/smaps</c> and the threads' stack pointers now.</summary>
    public static SmapsSnapshot Take()
    {
        var stackPointers = StackPointers();
        var mappings = new List<Mapping>();
        ulong start = 0, end = 0;
        string perms = "", name = "";
        long rss = 0, anon = 0;
        var open = false;
        void Flush()
        {
            if (!open) return;
            var live = stackPointers.Any(sp => sp >= start && sp < end);
            mappings.Add(new Mapping(start, end, perms, name, rss, anon, live));
        }
        foreach (var line in File.ReadLines("/proc/self/smaps"))
        {
            var dash = line.IndexOf('-');
            var space = line.IndexOf(' ');
            if (dash > 0 && space > dash && IsHex(line.AsSpan(0, dash)))
            {
                Flush();
                open = true;
                start = ulong.Parse(line.AsSpan(0, dash), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                end = ulong.Parse(line.AsSpan(dash + 1, space - dash - 1), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                var fields = line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries);
                perms = fields[1];
                name = fields.Length > 5 ? fields[5].Trim() : "";
                rss = anon = 0;
            }
            else if (line.StartsWith("Rss:", StringComparison.Ordinal)) rss = Kib(line);
            else if (line.StartsWith("Anonymous:", StringComparison.Ordinal)) anon = Kib(line);
        }
        Flush();
        return new SmapsSnapshot(mappings, stackPointers.Count);
    }

    /// <summary>Rss by kind, largest first.</summary>
    public string Summary() =>
        $"smaps rss {RssBytes / 1048576.0:F1} MiB in {Mappings.Count} mappings, {Threads} threads: " +
        string.Join(", ", Mappings.GroupBy(m => m.Kind).OrderByDescending(g => g.Sum(m => m.RssBytes))
            .Select(g => $"{g.Key} {g.Sum(m => m.RssBytes) / 1048576.0:F2} ({g.Count()})"));

    /// <summary>What grew from <paramref name="before"/> to this snapshot: by kind, then the mappings
    /// (files by path, anonymous ones by address) that grew or shrank the most.</summary>
    public string DiffFrom(SmapsSnapshot before, int top = 12)
    {
        var text = new StringBuilder();
        text.AppendLine($"smaps diff: rss {before.RssBytes / 1048576.0:F1} → {RssBytes / 1048576.0:F1} MiB ({(RssBytes - before.RssBytes) / 1048576.0:+0.00;-0.00} MiB), " +
                        $"mappings {before.Mappings.Count} → {Mappings.Count}, threads {before.Threads} → {Threads}");
        var kinds = before.Mappings.Select(m => m.Kind).Concat(Mappings.Select(m => m.Kind)).Distinct();
        foreach (var kind in kinds.OrderByDescending(k => Math.Abs(Sum(Mappings, k) - Sum(before.Mappings, k))))
        {
            var kindBefore = Sum(before.Mappings, kind);
            var kindNow = Sum(Mappings, kind);
            text.AppendLine($"  {kind,-36} {kindBefore / 1048576.0,8:F2} → {kindNow / 1048576.0,8:F2} MiB ({(kindNow - kindBefore) / 1048576.0:+0.00;-0.00}); " +
                            $"mappings {before.Mappings.Count(m => m.Kind == kind)} → {Mappings.Count(m => m.Kind == kind)}");
        }
        static string Key(Mapping m) => m.Name.StartsWith('/') ? m.Name : $"{m.Start:x}";
        var was = before.Mappings.GroupBy(Key).ToDictionary(g => g.Key, g => g.Sum(m => m.RssBytes));
        var now = Mappings.GroupBy(Key).ToDictionary(g => g.Key, g => (Rss: g.Sum(m => m.RssBytes), First: g.First()));
        var changes = now.Select(n => (n.Key, Delta: n.Value.Rss - was.GetValueOrDefault(n.Key), Describe: Describe(n.Value.First)))
            .Concat(was.Where(w => !now.ContainsKey(w.Key)).Select(w => (w.Key, Delta: -w.Value, Describe: "(gone)")))
            .Where(c => c.Delta != 0)
            .OrderByDescending(c => Math.Abs(c.Delta))
            .Take(top);
        foreach (var (key, delta, describe) in changes)
            text.AppendLine($"    {delta / 1024.0,9:+0;-0} KiB  {key} {describe}");
        return text.ToString().TrimEnd();
    }

    private static string Describe(Mapping m) => $"[{m.Kind}, {m.Perms}, size {m.Size / 1024} KiB, rss {m.RssBytes / 1024} KiB]";

    private static long Sum(IEnumerable<Mapping> mappings, string kind) => mappings.Where(m => m.Kind == kind).Sum(m => m.RssBytes);

    private static bool IsHex(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
            if (!char.IsAsciiHexDigit(c)) return false;
        return text.Length > 0;
    }

    private static long Kib(string line) =>
        long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;

    // /proc/self/task/<tid>/syscall: "nr a1 … a6 sp pc" while blocked in a syscall, "running" otherwise.
    private static List<ulong> StackPointers()
    {
        var pointers = new List<ulong>();
        foreach (var task in Directory.EnumerateDirectories("/proc/self/task"))
        {
            try
            {
                var fields = File.ReadAllText(Path.Combine(task, "syscall")).Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length >= 9 && fields[7].StartsWith("0x", StringComparison.Ordinal))
                    pointers.Add(ulong.Parse(fields[7].AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
            {
            }
        }
        return pointers;
    }
}
