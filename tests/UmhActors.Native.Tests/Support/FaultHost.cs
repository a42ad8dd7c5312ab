using System.Diagnostics;

namespace UmhActors.Native.Tests.Support;

/// <summary>Runs <c>UmhActors.NativeFaultHost</c> in its own process under a low
/// <c>RLIMIT_NOFILE</c> (prlimit), so that running out of fds is real and cannot hurt the test
/// runner; returns its exit code and its <c>key=value</c> lines.</summary>
internal static class FaultHost
{
    public sealed record Result(int ExitCode, IReadOnlyDictionary<string, string> Values, string Output, string Errors)
    {
        public string this[string key] => Values.TryGetValue(key, out var value) ? value : $"<no {key}: exit {ExitCode}, output: {Output} {Errors}>";
    }

    public static Task<Result> RunAsync(int fdLimit, TimeSpan timeout, params string[] arguments) =>
        RunAsync(fdLimit, timeout, new Dictionary<string, string>(), arguments);

    /// <summary>As above, with <paramref name="environment"/> added to the host's environment.</summary>
    public static async Task<Result> RunAsync(int fdLimit, TimeSpan timeout, IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        var hostDll = Path.Combine(AppContext.BaseDirectory, "UmhActors.NativeFaultHost.dll");
        var info = new ProcessStartInfo("prlimit", [$"--nofile={fdLimit}:{fdLimit}", "dotnet", hostDll, .. arguments])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (key, value) in environment) info.Environment[key] = value;
        // The host's stdio pipes would be its inherited fds 0-2 only; nothing else leaks in.
        using var host = Process.Start(info)!;
        var stdout = host.StandardOutput.ReadToEndAsync();
        var stderr = host.StandardError.ReadToEndAsync();
        try
        {
            await host.WaitForExitAsync().WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            host.Kill(entireProcessTree: true);
            throw;
        }
        var output = await stdout;
        var values = new Dictionary<string, string>();
        foreach (var line in output.Split('\n'))
        {
            var eq = line.IndexOf('=');
            if (eq > 0) values[line[..eq]] = line[(eq + 1)..];
        }
        return new Result(host.ExitCode, values, output, await stderr);
    }
}
