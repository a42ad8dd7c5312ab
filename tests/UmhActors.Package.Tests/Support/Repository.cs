using System.Reflection;

namespace UmhActors.Package.Tests.Support;

/// <summary>Where this test assembly was built from: the repository's root and the build
/// configuration, baked in at build time (the tests run from the build tree).</summary>
internal static class Repository
{
    private static readonly Assembly Self = typeof(Repository).Assembly;

    /// <summary>The repository's root directory, with a trailing slash.</summary>
    public static string Root { get; } = Metadata("UmhRepositoryRoot");

    /// <summary>The configuration these tests (and so the packages' assemblies) were built in.</summary>
    public static string Configuration { get; } = Metadata("UmhBuildConfiguration");

    /// <summary>The solution file.</summary>
    public static string Solution => Path.Combine(Root, "UmhActors.sln");

    /// <summary>The package ids: one per project under src/, named after its project file (which is
    /// also its assembly's name).</summary>
    public static IReadOnlyList<string> PackageIds { get; } = Directory.GetFiles(Path.Combine(Root, "src"), "*.csproj", SearchOption.AllDirectories)
        .Select(path => Path.GetFileNameWithoutExtension(path))
        .Order(StringComparer.Ordinal)
        .ToArray();

    private static string Metadata(string key) =>
        Self.GetCustomAttributes<AssemblyMetadataAttribute>().SingleOrDefault(a => a.Key == key)?.Value
        ?? throw new InvalidOperationException($"the test assembly carries no '{key}' metadata (see UmhActors.Package.Tests.csproj)");
}
