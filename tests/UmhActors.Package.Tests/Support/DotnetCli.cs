namespace UmhActors.Package.Tests.Support;

/// <summary>Runs the dotnet CLI for a test: no build servers or node reuse (nothing may outlive
/// the command), and none of the MSBuild variables of the `dotnet test` that runs us (they would
/// steer a nested build to this repository's SDK resolution and nodes).</summary>
internal static class DotnetCli
{
    public static Task<CommandResult> RunAsync(string workingDirectory, TimeSpan timeout, IReadOnlyDictionary<string, string?>? extra, params string[] arguments)
    {
        var environment = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var key in Environment.GetEnvironmentVariables().Keys.Cast<string>())
            if (key.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase) || key.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase))
                environment[key] = null;
        environment["MSBUILDDISABLENODEREUSE"] = "1";
        environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        environment["DOTNET_NOLOGO"] = "1";
        environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>()) environment[key] = value;
        return Command.RunAsync("dotnet", arguments, workingDirectory, environment, timeout);
    }
}
