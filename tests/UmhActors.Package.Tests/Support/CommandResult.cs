namespace UmhActors.Package.Tests.Support;

/// <summary>How a command ended: its exit code and everything it wrote (stdout and stderr
/// interleaved as they arrived).</summary>
internal sealed record CommandResult(string Command, int ExitCode, string Output, TimeSpan Elapsed)
{
    /// <summary>Throws with the command's output unless it exited 0.</summary>
    public CommandResult EnsureSuccess()
    {
        if (ExitCode != 0)
            throw new InvalidOperationException($"`{Command}` exited {ExitCode} after {Elapsed.TotalSeconds:F0} s:\n{Tail(Output)}");
        return this;
    }

    private static string Tail(string text) => text.Length <= 12_000 ? text : "…" + text[^12_000..];
}
