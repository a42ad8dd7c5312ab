using UmhActors.Native.Exit;

namespace UmhActors.Failures;

/// <summary>
/// A helper ended in a way its owner did not ask for. Thrown by the helper's actor so its
/// supervisor decides (restart, stop, escalate) and given to every request that was in flight.
/// Subtypes name the <see cref="HelperFailureKind"/>; all carry the evidence.
/// </summary>
public abstract class HelperFailureException : Exception
{
    /// <summary>Creates the failure.</summary>
    protected HelperFailureException(string helperName, int pid, ExitStatus? exit, TimeSpan uptime, string evidence, Exception? inner = null)
        : base($"helper '{helperName}' (pid {pid}) {evidence}", inner)
    {
        HelperName = helperName;
        Pid = pid;
        Exit = exit;
        Uptime = uptime;
        Evidence = evidence;
    }

    /// <summary>Which kind of end this was.</summary>
    public abstract HelperFailureKind Kind { get; }

    /// <summary>The helper's (blob's) name.</summary>
    public string HelperName { get; }

    /// <summary>The helper's process id (0 when it never started).</summary>
    public int Pid { get; }

    /// <summary>The exit status as reaped; null when there was no process (launch failed).</summary>
    public ExitStatus? Exit { get; }

    /// <summary>How long the helper ran.</summary>
    public TimeSpan Uptime { get; }

    /// <summary>What the classification rests on, in words ("killed by SIGSEGV (11), core dumped").</summary>
    public string Evidence { get; }

    /// <summary>The exit code, when the helper exited.</summary>
    public int? ExitCode => Exit?.ExitCode;

    /// <summary>The killing signal, when a signal ended the helper.</summary>
    public int? Signal => Exit?.Signal;

    /// <summary>The killing signal's name ("SIGSEGV").</summary>
    public string? SignalName => Exit?.SignalName;

    /// <summary>True when the kernel reported a core dump.</summary>
    public bool CoreDumped => Exit?.CoreDumped ?? false;
}
