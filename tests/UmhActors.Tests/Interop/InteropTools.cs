using System.Diagnostics;
using System.Text.Json;
using UmhActors.Native.Blobs;
using UmhActors.Native.Launch;

namespace UmhActors.Tests.Interop;

/// <summary>Where the msgpack-rpc implementations of others live for the interop tests: Node's
/// msgpack5rpc in tests/Interop/node (installed there by <c>npm ci</c>, which .ci/run does) and
/// Debian's python3-pynvim under /usr/bin/python3 (installed by .ci/run with apt-get).</summary>
internal static class InteropTools
{
    public const string Python = "/usr/bin/python3";

    private static readonly Lazy<string> s_directory = new(FindDirectory);

    /// <summary>tests/Interop of this source tree.</summary>
    public static string Directory => s_directory.Value;

    /// <summary>Node's executable; a clear failure when it is missing.</summary>
    public static string Node =>
        new[] { "/usr/bin/node", "/usr/local/bin/node" }.FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException("node is not installed: .ci/run installs nodejs and npm (apt-get install nodejs npm)");

    /// <summary>tests/Interop/node/node_modules; a clear failure when <c>npm ci</c> has not run.</summary>
    public static string NodeModules
    {
        get
        {
            var modules = Path.Combine(Directory, "node", "node_modules");
            if (!System.IO.Directory.Exists(Path.Combine(modules, "msgpack5rpc")))
                throw new InvalidOperationException($"msgpack5rpc is not installed in {modules}: run `npm ci --prefix {Path.Combine(Directory, "node")}` (.ci/run does)");
            return modules;
        }
    }

    /// <summary>A helper from one of the scripts in tests/Interop, embedded in this assembly as a
    /// <c>#!</c> script blob (resource <c>interop:FILENAME</c>).</summary>
    public static HelperBlob ScriptBlob(string fileName, string helperName) =>
        HelperBlob.FromResource(typeof(InteropTools).Assembly, "interop:" + fileName, helperName);

    /// <summary>Launch options for a script under Node: it finds msgpack5rpc through NODE_PATH.</summary>
    public static LaunchOptions NodeLaunch => LaunchOptions.Default.WithEnvironment("NODE_PATH", NodeModules);

    /// <summary>Runs a client script that drives the NativeAOT test helper (copied to a temporary
    /// executable file, since the client spawns it by path) and returns its report: one JSON value
    /// per observation, by name. The client is killed (by pid, with its children) when it
    /// outlives <paramref name="timeout"/>.</summary>
    public static async Task<IReadOnlyDictionary<string, JsonElement>> RunClientAsync(string interpreter, string script, TimeSpan timeout,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var helperPath = Path.Combine(Path.GetTempPath(), $"umh-interop-testhelper-{Guid.NewGuid():N}");
        await using (var resource = typeof(InteropTools).Assembly.GetManifestResourceStream(HelperBlob.EmbeddedHelperResourcePrefix + "testhelper")
            ?? throw new InvalidOperationException("the test helper is not embedded"))
        await using (var file = File.Create(helperPath))
            await resource.CopyToAsync(file);
        File.SetUnixFileMode(helperPath, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        try
        {
            var start = new ProcessStartInfo(interpreter) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
            start.ArgumentList.Add(script);
            start.ArgumentList.Add(helperPath);
            foreach (var (name, value) in environment ?? new Dictionary<string, string>()) start.Environment[name] = value;
            using var client = Process.Start(start) ?? throw new InvalidOperationException($"{interpreter} did not start");
            client.StandardInput.Close();
            var stdout = client.StandardOutput.ReadToEndAsync();
            var stderr = client.StandardError.ReadToEndAsync();
            using var deadline = new CancellationTokenSource(timeout);
            try
            {
                await client.WaitForExitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                client.Kill(entireProcessTree: true);
                throw new TimeoutException($"{Path.GetFileName(script)} did not finish within {timeout}: {await stdout} {await stderr}");
            }
            var report = new Dictionary<string, JsonElement>();
            foreach (var line in (await stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                using var json = JsonDocument.Parse(line);
                report[json.RootElement.GetProperty("what").GetString()!] = json.RootElement.GetProperty("value").Clone();
            }
            if (client.ExitCode != 0 || report.ContainsKey("error"))
                throw new InvalidOperationException($"{Path.GetFileName(script)} exited with {client.ExitCode}: {await stdout} {await stderr}");
            return report;
        }
        finally
        {
            File.Delete(helperPath);
        }
    }

    private static string FindDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "Interop");
            if (File.Exists(Path.Combine(candidate, "node", "package.json"))) return candidate;
        }
        throw new DirectoryNotFoundException($"no tests/Interop above {AppContext.BaseDirectory}");
    }
}
