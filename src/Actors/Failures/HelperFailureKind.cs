namespace UmhActors.Failures;

/// <summary>How a helper ended, as a supervisor sees it. One exception type per kind, except that
/// both launch kinds are <see cref="HelperLaunchFailedException"/> (its
/// <see cref="HelperLaunchFailedException.IsTransient"/> tells them apart).</summary>
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

    /// <summary>It could not be started, and trying again unchanged fails the same way: an exec
    /// error (<c>ENOEXEC</c>, <c>EACCES</c>, <c>ENOENT</c>), no hello in time, a cgroup that cannot be
    /// made, the guardian's refusal.</summary>
    LaunchFailed,

    /// <summary>It could not be started for want of a resource that may come back: the host or the
    /// system ran short of fds, processes or memory (<c>EMFILE</c>, <c>ENFILE</c>, <c>EAGAIN</c>,
    /// <c>ENOMEM</c>, or the launch's fd reserve). A separate kind, not a rule inside
    /// <see cref="LaunchFailed"/>, so the table retries it with backoff under its own intensity while
    /// permanent launch failures still stop.</summary>
    LaunchFailedTransient,
}
