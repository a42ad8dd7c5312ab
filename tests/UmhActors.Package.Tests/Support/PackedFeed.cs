namespace UmhActors.Package.Tests.Support;

/// <summary>
/// A folder feed holding the packages of this build: <c>dotnet pack UmhActors.sln</c> into a
/// temporary folder, without building (the test project references every src/ project, so they
/// are built in this configuration), at a version no cache can already hold.
/// </summary>
public sealed class PackedFeed : IAsyncLifetime
{
    /// <summary>The folder with the .nupkg files.</summary>
    public string Directory { get; private set; } = "";

    /// <summary>The version every package was given (unique per run).</summary>
    public string Version { get; } = $"0.0.0-test.{DateTime.UtcNow:yyyyMMddHHmmss}.{Environment.ProcessId}";

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("umh-feed-").FullName;
        (await DotnetCli.RunAsync(Repository.Root, TimeSpan.FromMinutes(2), null,
            "pack", Repository.Solution, "--no-build", "-c", Repository.Configuration, "-o", Directory,
            $"-p:Version={Version}", "--disable-build-servers", "-nologo", "-v", "quiet")).EnsureSuccess();
    }

    /// <summary>The path of <paramref name="packageId"/>'s package.</summary>
    public string PackagePath(string packageId) => Path.Combine(Directory, $"{packageId}.{Version}.nupkg");

    /// <inheritdoc />
    public Task DisposeAsync()
    {
        if (Directory.Length > 0) System.IO.Directory.Delete(Directory, recursive: true);
        return Task.CompletedTask;
    }
}
