using System.Globalization;
using System.Text.RegularExpressions;
using UmhActors.Package.Tests.Support;

namespace UmhActors.Package.Tests;

/// <summary>The README's first command tells the whole story: every step on its line, a summary
/// table, nothing left behind, in under 30 s.</summary>
public sealed partial class QuickstartTests
{
    [Fact]
    public async Task Quickstart_shows_every_step_and_leaves_no_helper_or_cgroup_within_30_seconds()
    {
        var dll = Path.Combine(Repository.Root, "examples", "Quickstart", "bin", Repository.Configuration, "net10.0", "Quickstart.dll");

        var run = await DotnetCli.RunAsync(Repository.Root, TimeSpan.FromSeconds(60), null, dll);

        Assert.True(run.ExitCode == 0, $"the quickstart exited {run.ExitCode}:\n{run.Output}");
        string[] steps = ["embedded helper", "request", "crash", "OOM kill", "admin kill", "freeze and thaw", "census"];
        for (var i = 0; i < steps.Length; i++)
            Assert.Matches(new Regex($@"^{i + 1}\. {Regex.Escape(steps[i])}\s", RegexOptions.Multiline), run.Output);
        Assert.Matches(@"running /memfd:umh:shouter \(deleted\), seals SEAL\|SHRINK\|GROW\|WRITE", run.Output);
        Assert.Matches(@"died of SIGSEGV: Crashed, restarted as pid \d+", run.Output);
        Assert.Matches(@"OomKilled .*restarted as pid \d+|OOM kill\s+skipped: ", run.Output);
        Assert.Matches(@"from outside: Killed, the actor stopped", run.Output);
        Assert.Matches(@"1 launch waiting .*thawed: 'late' ready as pid \d+", run.Output);
        Assert.Contains("helper processes left: 0, helper cgroups left: 0", run.Output);
        Assert.Contains("| census           | no helper process or cgroup left", run.Output);
        var total = double.Parse(Total().Match(run.Output).Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.True(total < 30, $"the quickstart took {total} s");
    }

    [GeneratedRegex(@"^total (\d+(?:\.\d+)?) s$", RegexOptions.Multiline)]
    private static partial Regex Total();
}
