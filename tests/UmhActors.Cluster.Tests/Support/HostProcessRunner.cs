using System.Diagnostics;

namespace UmhActors.Cluster.Tests.Support;

/// <summary>Runs tests/Helpers/UmhActors.HostProcess (a host in its own process) and reads what it prints.</summary>
internal sealed class HostProcessRunner : IDisposable
{
    private readonly Process _process;

    private HostProcessRunner(Process process) => _process = process;

    /// <summary>Starts the host with <paramref name="args"/>; with <paramref name="cgroupProcs"/>,
    /// first moves it (through a shell that then execs it) into those cgroups.</summary>
    public static HostProcessRunner Start(IReadOnlyList<string> args, IReadOnlyList<string>? cgroupProcs = null)
    {
        var hostDll = Path.Combine(AppContext.BaseDirectory, "UmhActors.HostProcess.dll");
        var info = new ProcessStartInfo("/bin/sh") { RedirectStandardOutput = true, UseShellExecute = false };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add("""for procs in $UMH_TEST_CGROUP_PROCS; do echo $$ > "$procs" || exit 97; done; exec dotnet "$@" """);
        info.ArgumentList.Add("host");
        info.ArgumentList.Add(hostDll);
        foreach (var arg in args) info.ArgumentList.Add(arg);
        info.Environment["UMH_TEST_CGROUP_PROCS"] = string.Join(' ', cgroupProcs ?? []);
        return new HostProcessRunner(Process.Start(info)!);
    }

    public Process Process => _process;

    /// <summary>The next line, or null at the end of its output.</summary>
    public Task<string?> ReadLineAsync() => _process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60));

    /// <summary>The exit code, once it exited by itself.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        await _process.WaitForExitAsync().WaitAsync(timeout);
        return _process.ExitCode;
    }

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill();
        _process.Dispose();
    }
}
