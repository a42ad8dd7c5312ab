using UmhActors.Native.Blobs;
using UmhActors.Native.Exit;
using UmhActors.Native.Launch;
using UmhActors.Native.Processes;

namespace UmhActors.Native.OneShot;

/// <summary>
/// One-shot helper runs: the <c>call_usermodehelper()</c> family. The helper's stdin, stdout and
/// stderr are <c>/dev/null</c> unless the options say otherwise; it is reaped by the shared
/// reaper whatever the wait mode, and killed with its process group if the host exits first.
/// </summary>
public static class UserModeHelper
{
    /// <summary>Runs an executable file and waits as <paramref name="wait"/> says.</summary>
    /// <param name="path">The executable's path.</param>
    /// <param name="argv">The arguments, argv[0] included.</param>
    /// <param name="envp">NAME=VALUE entries: the whole environment, as in the kernel's call;
    /// null means the minimal default.</param>
    /// <param name="wait">How long to wait.</param>
    /// <param name="cancellationToken">Makes the wait killable (<c>UMH_KILLABLE</c>): when it is
    /// cancelled before the call returns, the helper's process group is killed and the call
    /// throws <see cref="OperationCanceledException"/>.</param>
    public static Task<UmhCallResult> CallAsync(string path, IReadOnlyList<string> argv, IReadOnlyList<string>? envp, UmhWait wait, CancellationToken cancellationToken = default) =>
        RunAsync(() => HelperLauncher.LaunchPath(path, ToOptions(argv, envp)), wait, cancellationToken);

    /// <summary>As <see cref="CallAsync(string, IReadOnlyList{string}, IReadOnlyList{string}?, UmhWait, CancellationToken)"/>,
    /// running <paramref name="blob"/> from its sealed memfd.</summary>
    public static Task<UmhCallResult> CallAsync(HelperBlob blob, IReadOnlyList<string> argv, IReadOnlyList<string>? envp, UmhWait wait, CancellationToken cancellationToken = default) =>
        RunAsync(() => HelperLauncher.Launch(blob, ToOptions(argv, envp)), wait, cancellationToken);

    /// <summary>Runs <paramref name="blob"/> with full <see cref="LaunchOptions"/> (stdio defaults
    /// to <c>/dev/null</c> unless the options ask for pipes, which the caller must then drain).</summary>
    public static Task<UmhCallResult> CallAsync(HelperBlob blob, LaunchOptions options, UmhWait wait, CancellationToken cancellationToken = default) =>
        RunAsync(() => HelperLauncher.Launch(blob, options), wait, cancellationToken);

    private static LaunchOptions ToOptions(IReadOnlyList<string> argv, IReadOnlyList<string>? envp)
    {
        ArgumentNullException.ThrowIfNull(argv);
        var options = LaunchOptions.Default.WithStdio(StdioMode.Null);
        if (argv.Count > 0) options = options.WithArgv0(argv[0]).WithArguments(argv.Skip(1).ToArray());
        if (envp is not null)
        {
            var environment = new Dictionary<string, string>();
            foreach (var entry in envp)
            {
                var eq = entry.IndexOf('=');
                if (eq <= 0) throw new ArgumentException($"environment entry '{entry}' is not NAME=VALUE", nameof(envp));
                environment[entry[..eq]] = entry[(eq + 1)..];
            }
            // envp is the whole environment, as in the kernel: no minimal defaults underneath.
            options = options.WithExactEnvironment(environment);
        }
        return options;
    }

    private static async Task<UmhCallResult> RunAsync(Func<HelperProcess> launch, UmhWait wait, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        HelperProcess process;
        try
        {
            process = launch();
        }
        catch (LaunchFailedException failure) when (wait == UmhWait.NoWait)
        {
            return new UmhCallResult(0, null, Task.FromException<ExitStatus>(failure));
        }
        // Closing the host's pipe ends (if any) does not affect the running helper.
        var completion = CloseWhenExited(process);
        if (wait != UmhWait.WaitProc) return new UmhCallResult(process.Pid, null, completion);
        try
        {
            var exit = await completion.WaitAsync(cancellationToken).ConfigureAwait(false);
            return new UmhCallResult(process.Pid, exit, completion);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            process.Kill();
            throw;
        }
    }

    private static async Task<ExitStatus> CloseWhenExited(HelperProcess process)
    {
        var exit = await process.Exited.ConfigureAwait(false);
        process.Dispose();
        return exit;
    }
}
