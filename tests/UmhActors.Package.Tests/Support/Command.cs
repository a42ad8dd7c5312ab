using System.Diagnostics;
using System.Text;

namespace UmhActors.Package.Tests.Support;

/// <summary>Runs a program to its end with a deadline. On the deadline the process and its
/// descendants are killed by pid (never by name) and the result says so.</summary>
internal static class Command
{
    public static async Task<CommandResult> RunAsync(string fileName, IEnumerable<string> arguments, string workingDirectory,
        IReadOnlyDictionary<string, string?> environment, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        foreach (var (key, value) in environment)
        {
            if (value is null) start.Environment.Remove(key);
            else start.Environment[key] = value;
        }
        var text = $"{fileName} {string.Join(' ', start.ArgumentList)}";
        var output = new StringBuilder();
        var clock = Stopwatch.StartNew();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            lock (output) return new CommandResult(text, -1, $"{output}\n[killed: no exit within {timeout.TotalSeconds:F0} s]", clock.Elapsed);
        }
        // The parameterless wait also waits for the output streams to be drained.
        await process.WaitForExitAsync();
        lock (output) return new CommandResult(text, process.ExitCode, output.ToString(), clock.Elapsed);
    }
}
