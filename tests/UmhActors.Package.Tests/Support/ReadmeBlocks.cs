using System.Text;
using System.Text.RegularExpressions;

namespace UmhActors.Package.Tests.Support;

/// <summary>
/// The README's C# blocks as compilable files, by the convention stated in the README's source:
/// a block whose first line (after its <c>using</c> directives) declares a type is compiled as a
/// file of declarations; any other block is the body of an async method with <c>args</c> in scope.
/// <c>using</c> directives at the top of a block are hoisted to its file. Each block is a file of its
/// own, and <c>#line</c> points compiler errors back at README.md.
/// </summary>
internal static partial class ReadmeBlocks
{
    public sealed record Block(int Number, int FirstLine, IReadOnlyList<string> Lines);

    public static IReadOnlyList<Block> Extract(string readmePath)
    {
        var lines = File.ReadAllLines(readmePath);
        var blocks = new List<Block>();
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].Trim() != "```csharp") continue;
            var start = i + 1;
            var end = start;
            while (end < lines.Length && lines[end].Trim() != "```") end++;
            blocks.Add(new Block(blocks.Count + 1, start + 1, lines[start..end]));
            i = end;
        }
        return blocks;
    }

    public static string ToSource(Block block, string readmePath)
    {
        var usings = new List<string>();
        var index = 0;
        while (index < block.Lines.Count && (UsingDirective().IsMatch(block.Lines[index]) || string.IsNullOrWhiteSpace(block.Lines[index])))
        {
            if (!string.IsNullOrWhiteSpace(block.Lines[index])) usings.Add(block.Lines[index]);
            index++;
        }
        var body = block.Lines.Skip(index).ToList();
        var firstCode = body.FirstOrDefault(l => !string.IsNullOrWhiteSpace(l) && !l.TrimStart().StartsWith("//", StringComparison.Ordinal)) ?? "";
        var source = new StringBuilder();
        foreach (var directive in usings) source.AppendLine(directive);
        var line = $"#line {block.FirstLine + index} \"{readmePath}\"";
        if (Declaration().IsMatch(firstCode))
        {
            source.AppendLine(line);
            foreach (var l in body) source.AppendLine(l);
            source.AppendLine("#line default");
            return source.ToString();
        }
        source.AppendLine("internal static partial class Program");
        source.AppendLine("{");
        source.AppendLine($"    internal static async System.Threading.Tasks.Task ReadmeBlock{block.Number}(string[] args)");
        source.AppendLine("    {");
        source.AppendLine(line);
        foreach (var l in body) source.AppendLine(l);
        source.AppendLine("#line default");
        source.AppendLine("        await System.Threading.Tasks.Task.CompletedTask;");
        source.AppendLine("    }");
        source.AppendLine("}");
        return source.ToString();
    }

    [GeneratedRegex(@"^\s*using\s+(static\s+)?[\w.]+(\s*=\s*[\w.<>]+)?\s*;\s*(//.*)?$")]
    private static partial Regex UsingDirective();

    [GeneratedRegex(@"^\s*(\[|namespace\b|(public|internal|sealed|static|abstract|partial|file|readonly)\s|(class|record|struct|interface|enum)\s)")]
    private static partial Regex Declaration();
}
