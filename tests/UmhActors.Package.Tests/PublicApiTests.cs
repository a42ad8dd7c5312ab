using System.Reflection;
using PublicApiGenerator;
using UmhActors.Package.Tests.Support;

namespace UmhActors.Package.Tests;

/// <summary>
/// The public surface of each package (types and members, rendered by PublicApiGenerator) matches
/// the snapshot checked in under <c>api/</c>, so a change to the public API is a reviewed diff,
/// never an accident. After a deliberate change, regenerate with
/// <c>UMH_UPDATE_API=1 dotnet test tests/UmhActors.Package.Tests --filter FullyQualifiedName~PublicApi</c>
/// and commit the diff (docs/testing.md).
/// </summary>
public sealed class PublicApiTests
{
    private const string UpdateVariable = "UMH_UPDATE_API";

    public static TheoryData<string> Packages() => new(Repository.PackageIds);

    [Theory]
    [MemberData(nameof(Packages))]
    public void Public_api_of_each_package_matches_its_checked_in_snapshot(string packageId)
    {
        var assembly = Assembly.Load(packageId);
        var actual = Normalize(assembly.GeneratePublicApi(new ApiGeneratorOptions { IncludeAssemblyAttributes = false }));
        var snapshot = Path.Combine(Repository.Root, "tests", "UmhActors.Package.Tests", "api", $"{packageId}.txt");

        if (Environment.GetEnvironmentVariable(UpdateVariable) == "1")
        {
            File.WriteAllText(snapshot, actual);
            return;
        }

        var regenerate = $"If the change is deliberate, regenerate the snapshot with `{UpdateVariable}=1 dotnet test tests/UmhActors.Package.Tests " +
                         "--filter FullyQualifiedName~PublicApi` and commit the diff of tests/UmhActors.Package.Tests/api/.";
        Assert.True(File.Exists(snapshot), $"{packageId} has no API snapshot ({snapshot}). {regenerate}");
        var expected = Normalize(File.ReadAllText(snapshot));
        if (expected == actual) return;
        Assert.Fail($"The public API of {packageId} differs from {Path.GetRelativePath(Repository.Root, snapshot)}:\n{FirstDifference(expected, actual)}\n{regenerate}");
    }

    private static string Normalize(string text) => text.ReplaceLineEndings("\n").TrimEnd() + "\n";

    /// <summary>The first differing line with a little context on either side.</summary>
    private static string FirstDifference(string expected, string actual)
    {
        var e = expected.Split('\n');
        var a = actual.Split('\n');
        var i = 0;
        while (i < e.Length && i < a.Length && e[i] == a[i]) i++;
        string Around(string[] lines) => string.Join("\n", lines.Skip(Math.Max(0, i - 2)).Take(5).Select((l, k) => $"  {Math.Max(0, i - 2) + k + 1,5}: {l}"));
        return $"first difference at line {i + 1}\n snapshot:\n{Around(e)}\n now:\n{Around(a)}";
    }
}
