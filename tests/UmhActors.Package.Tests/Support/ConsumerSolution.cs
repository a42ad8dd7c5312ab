using System.Xml.Linq;

namespace UmhActors.Package.Tests.Support;

/// <summary>
/// A brand-new host and helper in a temporary folder outside the repository, as a stranger would
/// write them: the host references the UmhActors package and embeds the helper with
/// <c>&lt;UmhHelper&gt;</c>, the helper references UmhActors.Protocol. Packages come from the folder
/// feed only (UmhActors* is mapped to it) and land in a packages folder of its own, so the packed
/// packages never enter the user's global cache; everything else comes from this machine's NuGet
/// sources, with the user's global packages folder as a read-only fallback (nothing is downloaded
/// that is already there).
/// </summary>
internal sealed class ConsumerSolution : IDisposable
{
    public const string HelperName = "consumer-probe";

    private ConsumerSolution(string root) => Root = root;

    /// <summary>The folder holding the solution (outside the repository).</summary>
    public string Root { get; }

    /// <summary>The isolated global packages folder.</summary>
    public string Packages => Path.Combine(Root, "packages");

    /// <summary>The environment for the dotnet CLI in this folder.</summary>
    public IReadOnlyDictionary<string, string?> Environment => new Dictionary<string, string?>
    {
        ["NUGET_PACKAGES"] = Packages,
        ["NUGET_HTTP_CACHE_PATH"] = Path.Combine(Root, "http-cache"),
    };

    public static ConsumerSolution Create(PackedFeed feed, IEnumerable<string> sources, string? fallbackPackages)
    {
        var root = Directory.CreateTempSubdirectory("umh-consumer-").FullName;
        if (root.StartsWith(Repository.Root, StringComparison.Ordinal)) throw new InvalidOperationException($"{root} is inside the repository");
        var solution = new ConsumerSolution(root);
        solution.Write("nuget.config", NuGetConfig(feed, sources, fallbackPackages, solution.Packages));
        // Stop MSBuild's upward search: nothing from /tmp or above may shape these projects.
        solution.Write("Directory.Build.props", "<Project />\n");
        solution.Write("Directory.Build.targets", "<Project />\n");
        solution.Write("Directory.Packages.props", "<Project />\n");
        solution.Write("App.slnx", """
            <Solution>
              <Project Path="MyHelper/MyHelper.csproj" />
              <Project Path="MyHost/MyHost.csproj" />
            </Solution>
            """);
        solution.Write("MyHelper/MyHelper.csproj", $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <PublishAot>true</PublishAot>
                <InvariantGlobalization>true</InvariantGlobalization>
                <IlcTreatWarningsAsErrors>true</IlcTreatWarningsAsErrors>
                <RuntimeIdentifiers>$(NETCoreSdkRuntimeIdentifier)</RuntimeIdentifiers>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="UmhActors.Protocol" Version="{feed.Version}" />
              </ItemGroup>
            </Project>
            """);
        solution.Write("MyHelper/Program.cs", """
            using System.Runtime.InteropServices;
            using UmhActors.Protocol.Runtime;

            // Answers with what it runs from, seen from inside: its exe link and that file's seals.
            // A typed handler: the package's buildTransitive targets must make it publish NativeAOT
            // without warnings (they bring the MessagePack substitutions it needs).
            return await HelperRuntime.CreateBuilder("consumer-probe")
                .Handle<string[], string>("whoami", _ =>
                {
                    using var exe = File.OpenHandle("/proc/self/exe");
                    var seals = fcntl((int)exe.DangerousGetHandle(), 1034); // F_GET_SEALS
                    return $"exe={new FileInfo("/proc/self/exe").LinkTarget};seals={seals}";
                })
                .Build()
                .RunAsync();

            [DllImport("libc")]
            static extern int fcntl(int fd, int cmd);
            """);
        solution.Write("MyHost/MyHost.csproj", $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="UmhActors" Version="{feed.Version}" />
              </ItemGroup>
              <ItemGroup>
                <UmhHelper Include="../MyHelper/MyHelper.csproj" Name="{HelperName}" />
              </ItemGroup>
            </Project>
            """);
        solution.Write("MyHost/Program.cs", """
            using Akka.Actor;
            using UmhActors.Helpers;
            using UmhActors.Native.Blobs;

            using var blob = HelperBlob.FromEmbeddedHelper(typeof(Program).Assembly, "consumer-probe");
            var system = ActorSystem.Create("consumer");
            try
            {
                var client = new HelperClient(system.ActorOf(HelperActor.Props(blob)), TimeSpan.FromSeconds(30));
                Console.WriteLine("answer: " + await client.CallAsync<string[], string>("whoami", []));
            }
            finally
            {
                await system.Terminate();
            }
            """);
        return solution;
    }

    private static string NuGetConfig(PackedFeed feed, IEnumerable<string> sources, string? fallbackPackages, string packages)
    {
        var sourceList = sources.Select((url, i) => (Key: $"source{i}", Url: url)).ToList();
        var config = new XElement("configuration",
            new XElement("config", new XElement("add", new XAttribute("key", "globalPackagesFolder"), new XAttribute("value", packages))),
            new XElement("packageSources",
                new XElement("clear"),
                new XElement("add", new XAttribute("key", "umh-feed"), new XAttribute("value", feed.Directory)),
                sourceList.Select(s => new XElement("add", new XAttribute("key", s.Key), new XAttribute("value", s.Url)))),
            new XElement("packageSourceMapping",
                new XElement("packageSource", new XAttribute("key", "umh-feed"), new XElement("package", new XAttribute("pattern", "UmhActors*"))),
                sourceList.Select(s => new XElement("packageSource", new XAttribute("key", s.Key), new XElement("package", new XAttribute("pattern", "*"))))),
            new XElement("fallbackPackageFolders",
                new XElement("clear"),
                fallbackPackages is null ? null : new XElement("add", new XAttribute("key", "user-cache"), new XAttribute("value", fallbackPackages))));
        return config.ToString();
    }

    private void Write(string relativePath, string text)
    {
        var path = Path.Combine(Root, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
