using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using UmhActors.Native.Exit;
using UmhActors.Tests.Shared;

namespace UmhActors.Tests.Hosting;

/// <summary>The <c>examples/WebApi</c> program, run in its own process on a loopback port the OS
/// picks, driven over HTTP: it shouts through its helper, and /healthz follows a real SIGSEGV of
/// that helper to Degraded and back to Healthy, and /metrics counts that exit as crashed.</summary>
public sealed class WebApiExampleTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    private sealed record Health(string Status, string? State, int Pid, string? LastFailureKind);

    [Fact]
    public async Task Shout_is_answered_and_healthz_shows_a_crashed_helper_restarting_then_Healthy_and_metrics_count_the_crash()
    {
        using var app = StartWebApi();
        var baseAddress = await ListeningAddressAsync(app).WaitAsync(Patience);
        using var http = new HttpClient { BaseAddress = baseAddress, Timeout = Patience };
        var helperPid = 0;
        try
        {
            using var shout = await http.PostAsJsonAsync("/shout", new { text = "hello" });
            Assert.True(shout.IsSuccessStatusCode, await shout.Content.ReadAsStringAsync());
            Assert.Equal("HELLO!", (await shout.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("text").GetString());

            var healthy = await HealthUntilAsync(http, h => h.Status == "Healthy");
            helperPid = healthy.Pid;
            Assert.True(helperPid > 0);

            // From outside: the helper dies by SIGSEGV, its actor restarts it after 1 s.
            await SegfaultFromOutsideAsync(helperPid);

            var degraded = await HealthUntilAsync(http, h => h.Status != "Healthy");
            Assert.Equal(new Health("Degraded", "restarting", 0, "Crashed"), degraded);

            var recovered = await HealthUntilAsync(http, h => h.Status == "Healthy");
            Assert.NotEqual(helperPid, recovered.Pid);
            Assert.Equal("Crashed", recovered.LastFailureKind);
            helperPid = recovered.Pid;

            using var again = await http.PostAsJsonAsync("/shout", new { text = "again" });
            Assert.Equal("AGAIN!", (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("text").GetString());

            // The exporter names the counter umh_helper_exits (with or without _total, by version).
            var crashedExits = await MetricsLineUntilAsync(http, line => line.StartsWith("umh_helper_exits", StringComparison.Ordinal) && line.Contains("kind=\"crashed\"", StringComparison.Ordinal));
            // `name{labels} value [timestamp]`: the value follows the labels.
            var value = crashedExits[(crashedExits.LastIndexOf('}') + 1)..].Trim().Split(' ')[0];
            Assert.True(double.Parse(value, System.Globalization.CultureInfo.InvariantCulture) >= 1, crashedExits);
        }
        finally
        {
            // A graceful stop (SIGTERM, as a service manager sends) stops the helper with the app.
            Tmds.Linux.LibC.kill(app.Id, SignalNames.SIGTERM);
            var exited = app.WaitForExitAsync().WaitAsync(Patience);
            try
            {
                await exited;
            }
            catch (TimeoutException)
            {
                app.Kill();
                throw;
            }
        }
        Assert.Equal(0, app.ExitCode);
        Assert.True(await HostCensus.EventuallyAsync(() => HostCensus.ReadStat($"/proc/{helperPid}") is null, Patience),
            $"helper {helperPid} outlived the web app");
    }

    // The .NET runtime in the (NativeAOT) helper catches SIGSEGV to turn faults into exceptions; for
    // a SIGSEGV sent by another process it resets the handler to SIG_DFL and returns, so the first
    // signal is swallowed and the second one kills. Send until the kernel reports it dead.
    private static async Task SegfaultFromOutsideAsync(int pid)
    {
        Assert.Equal(0, Tmds.Linux.LibC.kill(pid, SignalNames.SIGSEGV));
        Assert.True(await HostCensus.EventuallyAsync(() => !IsAlive(pid) || !CatchesSigsegv(pid), Patience), $"helper {pid} kept its SIGSEGV handler");
        if (IsAlive(pid)) Assert.Equal(0, Tmds.Linux.LibC.kill(pid, SignalNames.SIGSEGV));
        // Dying with a core dump takes a moment.
        Assert.True(await HostCensus.EventuallyAsync(() => !IsAlive(pid), Patience), $"helper {pid} survived SIGSEGV");
    }

    private static bool CatchesSigsegv(int pid)
    {
        var caught = ReadStatusField(pid, "SigCgt:");
        return caught is not null && (Convert.ToUInt64(caught, 16) & (1UL << (SignalNames.SIGSEGV - 1))) != 0;
    }

    // Gone, or a zombie the app has not reaped yet.
    private static bool IsAlive(int pid) => ReadStatusField(pid, "State:") is { } state && !state.StartsWith('Z');

    private static string? ReadStatusField(int pid, string field)
    {
        try
        {
            return File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith(field, StringComparison.Ordinal))?[field.Length..].Trim();
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static Process StartWebApi()
    {
        // tests/UmhActors.Tests/bin/<Configuration>/<tfm>/ → examples/WebApi/bin/<Configuration>/<tfm>/WebApi.dll
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd('/'));
        var root = output.Parent!.Parent!.Parent!.Parent!.Parent!.FullName;
        var dll = Path.Combine(root, "examples", "WebApi", "bin", output.Parent.Name, output.Name, "WebApi.dll");
        Assert.True(File.Exists(dll), $"{dll} was not built");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, WorkingDirectory = Path.GetDirectoryName(dll)! };
        foreach (var arg in new[] { dll, "--urls", "http://127.0.0.1:0" }) start.ArgumentList.Add(arg);
        return Process.Start(start)!;
    }

    // Kestrel logs the port the OS gave it.
    private static async Task<Uri> ListeningAddressAsync(Process app)
    {
        const string marker = "Now listening on: ";
        while (await app.StandardOutput.ReadLineAsync() is { } line)
        {
            var at = line.IndexOf(marker, StringComparison.Ordinal);
            if (at >= 0)
            {
                // Keep reading, so the app never blocks on a full stdout pipe.
                _ = app.StandardOutput.ReadToEndAsync();
                return new Uri(line[(at + marker.Length)..].Trim());
            }
        }
        throw new InvalidOperationException($"the web app exited ({app.ExitCode}) without listening");
    }

    // The exporter caches a scrape for a moment: poll until the wanted line shows up.
    private static async Task<string> MetricsLineUntilAsync(HttpClient http, Func<string, bool> wanted)
    {
        var deadline = DateTime.UtcNow + Patience;
        string text;
        do
        {
            text = await http.GetStringAsync("/metrics");
            if (text.Split('\n').FirstOrDefault(wanted) is { } line) return line;
            await Task.Delay(50);
        }
        while (DateTime.UtcNow < deadline);
        throw new Xunit.Sdk.XunitException($"no such line in /metrics; last scrape:\n{text}");
    }

    private static async Task<Health> HealthUntilAsync(HttpClient http, Func<Health, bool> wanted)
    {
        var deadline = DateTime.UtcNow + Patience;
        Health health;
        do
        {
            using var response = await http.GetAsync("/healthz");
            var body = await response.Content.ReadFromJsonAsync<JsonElement>();
            var shouter = body.GetProperty("checks").GetProperty("umh-helpers").GetProperty("data").GetProperty("shouter");
            health = new Health(body.GetProperty("status").GetString()!, shouter.GetProperty("state").GetString(),
                shouter.GetProperty("pid").GetInt32(), shouter.GetProperty("lastFailureKind").GetString());
            if (wanted(health)) return health;
            await Task.Delay(20);
        }
        while (DateTime.UtcNow < deadline);
        throw new Xunit.Sdk.XunitException($"never reached; last {health}");
    }
}
