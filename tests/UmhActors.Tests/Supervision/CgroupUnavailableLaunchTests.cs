using System.Diagnostics;
using UmhActors.Tests.Support;
using Xunit.Abstractions;

namespace UmhActors.Tests.Supervision;

/// <summary>A memory limit asked for on a host that cannot use cgroups (here: a host running as
/// an unprivileged user, as most services do) is a LaunchFailed decision, not a restart loop.</summary>
public sealed class CgroupUnavailableLaunchTests(ITestOutputHelper output) : HelperSpec(output)
{
    [Fact]
    public async Task A_memory_limit_on_a_host_without_usable_cgroups_is_a_LaunchFailed_decision_that_stops_the_actor()
    {
        Assert.True(Environment.IsPrivilegedProcess, "needs root to start the unprivileged host with setpriv");
        var hostDll = Path.Combine(AppContext.BaseDirectory, "UmhActors.HostProcess.dll");
        var start = new ProcessStartInfo("setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", "dotnet", hostDll, "memory-limit"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment = { ["HOME"] = "/tmp", ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1" },
        };
        using var host = Process.Start(start)!;
        _ = host.StandardError.ReadToEndAsync();
        var lines = new List<string>();
        try
        {
            using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            while (await host.StandardOutput.ReadLineAsync(patience.Token) is { } line)
            {
                if (!line.StartsWith("decision ") && line != "terminated") continue;
                lines.Add(line);
                if (line == "terminated") break;
            }
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"the unprivileged host's helper actor never stopped; saw: [{string.Join(", ", lines)}]");
        }
        finally
        {
            if (!host.HasExited) host.Kill(entireProcessTree: true);
        }
        Assert.Equal(["decision LaunchFailed Stop CgroupUnavailableException", "terminated"], lines);
    }
}
