using System.IO.Compression;
using System.Xml.Linq;
using UmhActors.Package.Tests.Support;

namespace UmhActors.Package.Tests;

/// <summary>What `dotnet pack UmhActors.sln` produces: one package per library, each with what a
/// stranger needs to find, read and use it.</summary>
public sealed class PackageContentsTests(PackedFeed feed) : IClassFixture<PackedFeed>
{
    [Fact]
    public void Packing_the_solution_produces_one_package_per_library_and_nothing_else()
    {
        var packages = System.IO.Directory.GetFiles(feed.Directory, "*.nupkg").Select(Path.GetFileName).Order(StringComparer.Ordinal);

        Assert.Equal(Repository.PackageIds.Select(id => $"{id}.{feed.Version}.nupkg"), packages);
        Assert.Contains("UmhActors.Protocol", Repository.PackageIds);
        Assert.Contains("UmhActors.Native", Repository.PackageIds);
        Assert.Contains("UmhActors", Repository.PackageIds);
    }

    [Fact]
    public void Every_package_carries_the_readme_its_xml_docs_and_its_metadata()
    {
        foreach (var id in Repository.PackageIds)
        {
            using var package = ZipFile.OpenRead(feed.PackagePath(id));
            var entries = package.Entries.Select(e => e.FullName).ToHashSet();
            Assert.True(entries.Contains("README.md"), $"{id}: no README.md");
            Assert.True(entries.Contains($"lib/net10.0/{id}.dll"), $"{id}: no lib/net10.0/{id}.dll");
            Assert.True(entries.Contains($"lib/net10.0/{id}.xml"), $"{id}: no XML docs");

            var nuspec = Nuspec(package, id);
            Assert.Equal(id, Field(nuspec, "id"));
            Assert.Equal(feed.Version, Field(nuspec, "version"));
            Assert.Equal("README.md", Field(nuspec, "readme"));
            Assert.False(string.IsNullOrWhiteSpace(Field(nuspec, "authors")), $"{id}: no authors");
            Assert.True(Field(nuspec, "description").Length > 40, $"{id}: no real description");
            Assert.Contains("linux", Field(nuspec, "tags").Split(' '));
            var license = nuspec.Descendants().Single(e => e.Name.LocalName == "license");
            Assert.Equal("expression", license.Attribute("type")?.Value);
            Assert.False(string.IsNullOrWhiteSpace(license.Value), $"{id}: empty license expression");
            var repository = nuspec.Descendants().Single(e => e.Name.LocalName == "repository");
            Assert.StartsWith("https://", repository.Attribute("url")?.Value);
        }
    }

    [Theory]
    [InlineData("UmhActors")]
    [InlineData("UmhActors.Protocol")]
    public void Host_and_helper_packages_carry_the_UmhHelper_build_support_transitively(string id)
    {
        using var package = ZipFile.OpenRead(feed.PackagePath(id));
        var targets = package.GetEntry($"buildTransitive/{id}.targets");

        Assert.NotNull(targets);
        using var reader = new StreamReader(targets.Open());
        // The very file the repository's own projects import: one definition, three homes.
        Assert.Equal(File.ReadAllText(Path.Combine(Repository.Root, "build", "UmhActors.Helpers.targets")), reader.ReadToEnd());
    }

    private static XElement Nuspec(ZipArchive package, string id)
    {
        using var stream = package.GetEntry($"{id}.nuspec")!.Open();
        return XDocument.Load(stream).Root!;
    }

    private static string Field(XElement nuspec, string name) =>
        nuspec.Descendants().FirstOrDefault(e => e.Name.LocalName == name)?.Value ?? "";
}
