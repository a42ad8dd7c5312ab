namespace UmhActors.Failures;

/// <summary>How a helper ended, as a supervisor sees it. One exception type per kind.</summary>
public enum HelperFailureKind
{
    /// <summary>Exited with code 0 on its own.</summary>
    Exited,

    /// <summary>Exited with a non-zero code.</summary>
    Failed,

    /// <summary>Killed by a core-dump signal (SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGSYS,
    /// SIGTRAP, SIGXCPU, SIGXFSZ, SIGQUIT).</summary>
    Crashed,

    /// <summary>SIGKILL with its memory cgroup's <c>oom_kill</c> count raised.</summary>
    OomKilled,

    /// <summary>A terminating signal the host did not send: an administrator's <c>kill</c>.</summary>
    Killed,

    /// <summary>The watchdog's <c>$/ping</c> went unanswered; the host killed it.</summary>
    Hung,

    /// <summary>It sent bytes that are not valid frames, or a bad handshake; the host killed it.</summary>
    ProtocolViolation,

    /// <summary>It could not be started (exec error, or no hello in time).</summary>
    LaunchFailed,
}
