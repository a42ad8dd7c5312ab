using System.Xml.Linq;
using UmhActors.Package.Tests.Support;

namespace UmhActors.Package.Tests;

/// <summary>The README shows only code that compiles: every ```csharp block is built against the
/// library projects (conventions: the HTML comment at the top of README.md and
/// <see cref="ReadmeBlocks"/>).</summary>
public sealed class ReadmeCodeTests
{
    [Fact]
    public async Task Every_csharp_block_in_the_readme_compiles_against_the_library()
    {
        var readme = Path.Combine(Repository.Root, "README.md");
        var blocks = ReadmeBlocks.Extract(readme);
        Assert.True(blocks.Count >= 3, $"README.md has {blocks.Count} C# blocks; the example, hosting and supervision ones are expected");
        var project = Directory.CreateTempSubdirectory("umh-readme-").FullName;
        try
        {
            // Inside the repository's conventions (warnings are errors, central package versions),
            // though outside its tree.
            File.WriteAllText(Path.Combine(project, "Directory.Build.props"), new XElement("Project",
                new XElement("PropertyGroup", new XElement("DirectoryPackagesPropsPath", Path.Combine(Repository.Root, "Directory.Packages.props"))),
                new XElement("Import", new XAttribute("Project", Path.Combine(Repository.Root, "Directory.Build.props")))).ToString());
            File.WriteAllText(Path.Combine(project, "Directory.Build.targets"), "<Project />");
            File.WriteAllText(Path.Combine(project, "Readme.csproj"), new XElement("Project", new XAttribute("Sdk", "Microsoft.NET.Sdk"),
                new XElement("PropertyGroup",
                    new XElement("OutputType", "Exe"),
                    // Blocks are shown, not run: a variable a block only shows is not a defect.
                    new XElement("NoWarn", "$(NoWarn);CS8321;CS0168;CS0219;CS1998")),
                new XElement("ItemGroup",
                    new XElement("PackageReference", new XAttribute("Include", "Microsoft.Extensions.Hosting"))),
                new XElement("ItemGroup", Directory.GetFiles(Path.Combine(Repository.Root, "src"), "*.csproj", SearchOption.AllDirectories)
                    .Select(p => new XElement("ProjectReference", new XAttribute("Include", p))))).ToString());
            File.WriteAllText(Path.Combine(project, "Program.cs"), "internal static partial class Program { private static void Main() { } }\n");
            foreach (var block in blocks)
                File.WriteAllText(Path.Combine(project, $"ReadmeBlock{block.Number}.cs"), ReadmeBlocks.ToSource(block, readme));

            // The library projects are built already (this project references them): never rebuilt
            // here, while other test hosts may be running from their output.
            var build = await DotnetCli.RunAsync(project, TimeSpan.FromMinutes(3), null,
                "build", "-c", Repository.Configuration, "-p:BuildProjectReferences=false", "--disable-build-servers", "-nologo", "-v", "quiet");

            Assert.True(build.ExitCode == 0, $"README.md's C# blocks do not compile:\n{string.Join('\n', build.Output.Split('\n').Where(l => l.Contains("error", StringComparison.Ordinal)).Distinct())}\n\n{build.Output}");
        }
        finally
        {
            Directory.Delete(project, recursive: true);
        }
    }
}
