using System.Text.RegularExpressions;
using UmhActors.Package.Tests.Support;

namespace UmhActors.Package.Tests;

/// <summary>A stranger's project, outside this repository, consumes the packages: the host embeds
/// its helper with <c>&lt;UmhHelper&gt;</c> (the build support comes from the packages'
/// buildTransitive/), builds, runs, and the helper answers from a sealed memfd.</summary>
public sealed partial class PackageConsumerTests(PackedFeed feed) : IClassFixture<PackedFeed>
{
    // F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE
    private const int LaunchSeals = 0x1 | 0x2 | 0x4 | 0x8;

    [Fact]
    public async Task A_project_outside_the_repository_embeds_its_helper_from_the_packages_and_runs_it_from_a_sealed_memfd()
    {
        var sources = await MachineNuGetSourcesAsync();
        var fallback = await UserGlobalPackagesAsync();
        using var consumer = ConsumerSolution.Create(feed, sources, fallback);

        // A solution with both projects (ConsumerSolution writes App.slnx), as a consumer has:
        // restore must see the helper too.
        (await Dotnet(consumer, TimeSpan.FromMinutes(4), "build", "App.slnx", "--disable-build-servers", "-nologo", "-v", "minimal")).EnsureSuccess();

        var run = (await Dotnet(consumer, TimeSpan.FromSeconds(60), "MyHost/bin/Debug/net10.0/MyHost.dll")).EnsureSuccess();

        var answer = Answer().Match(run.Output);
        Assert.True(answer.Success, $"the host printed no answer:\n{run.Output}");
        Assert.Equal($"/memfd:{"umh:" + ConsumerSolution.HelperName} (deleted)", answer.Groups["exe"].Value);
        var seals = int.Parse(answer.Groups["seals"].Value);
        Assert.True((seals & LaunchSeals) == LaunchSeals, $"the helper's memfd carries seals 0x{seals:x}, not all of 0x{LaunchSeals:x}");
        // The packed packages went to the consumer's own packages folder, from the feed.
        Assert.True(Directory.Exists(Path.Combine(consumer.Packages, "umhactors", feed.Version)), "UmhActors was not restored into the isolated packages folder");
        Assert.True(Directory.Exists(Path.Combine(consumer.Packages, "umhactors.protocol", feed.Version)), "UmhActors.Protocol was not restored into the isolated packages folder");
    }

    private static Task<CommandResult> Dotnet(ConsumerSolution consumer, TimeSpan timeout, params string[] arguments) =>
        DotnetCli.RunAsync(consumer.Root, timeout, consumer.Environment, arguments);

    /// <summary>The sources this machine restores from (`dotnet nuget list source`, enabled ones).</summary>
    private static async Task<IReadOnlyList<string>> MachineNuGetSourcesAsync()
    {
        var list = (await DotnetCli.RunAsync(Repository.Root, TimeSpan.FromSeconds(30), null, "nuget", "list", "source", "--format", "short")).EnsureSuccess();
        var sources = list.Output.Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith("E ", StringComparison.Ordinal)).Select(l => l[2..].Trim()).ToList();
        Assert.True(sources.Count > 0, $"no enabled NuGet source:\n{list.Output}");
        return sources;
    }

    /// <summary>The user's global packages folder, used read-only as a fallback folder.</summary>
    private static async Task<string?> UserGlobalPackagesAsync()
    {
        var locals = (await DotnetCli.RunAsync(Repository.Root, TimeSpan.FromSeconds(30), null, "nuget", "locals", "global-packages", "--list")).EnsureSuccess();
        var match = Regex.Match(locals.Output, @"global-packages:\s*(\S.*)$", RegexOptions.Multiline);
        return match.Success && Directory.Exists(match.Groups[1].Value.Trim()) ? match.Groups[1].Value.Trim() : null;
    }

    [GeneratedRegex(@"^answer: exe=(?<exe>[^;]*);seals=(?<seals>-?\d+)\s*$", RegexOptions.Multiline)]
    private static partial Regex Answer();
}
