using System.Text;
using UmhActors.Native.Exit;
using UmhActors.Native.Processes;

namespace UmhActors.Native.Tests.Support;

/// <summary>Runs a launched helper to completion, collects its output and disposes it.</summary>
internal static class ProcessText
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    public static async Task<(string Stdout, string Stderr, ExitStatus Exit)> RunToEndAsync(HelperProcess process, string? stdin = null)
    {
        if (stdin is not null) await process.Stdin!.WriteAsync(Encoding.UTF8.GetBytes(stdin));
        process.Stdin?.Dispose();
        var stdout = process.Stdout!.ReadToEndAsync();
        var stderr = process.Stderr!.ReadToEndAsync();
        var stdoutText = Encoding.UTF8.GetString(await stdout.WaitAsync(Timeout));
        var stderrText = Encoding.UTF8.GetString(await stderr.WaitAsync(Timeout));
        var exit = await process.Exited.WaitAsync(Timeout);
        await process.DisposeAsync();
        return (stdoutText, stderrText, exit);
    }
}
