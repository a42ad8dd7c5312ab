using UmhActors.Native.Exit;
using UmhActors.Native.Launch;

namespace UmhActors.Failures;

/// <summary>The helper could not be started: <see cref="HelperFailureKind.LaunchFailedTransient"/>
/// when the launch path ran short of a resource that may come back (<see cref="IsTransient"/>),
/// otherwise <see cref="HelperFailureKind.LaunchFailed"/>.</summary>
public sealed class HelperLaunchFailedException : HelperFailureException
{
    /// <summary>Creates the failure. Whether it is transient is read from
    /// <paramref name="inner"/>: the launch path's <see cref="LaunchFailedException"/>, found anywhere
    /// in the inner chain, carries <see cref="LaunchFailedException.IsTransient"/>.</summary>
    public HelperLaunchFailedException(string helperName, int pid, ExitStatus? exit, TimeSpan uptime, string evidence, Exception? inner = null)
        : base(helperName, pid, exit, uptime, evidence, inner)
    {
        IsTransient = LaunchFailure(inner)?.IsTransient ?? false;
    }

    /// <summary>True when the same launch may succeed later without any change: the host or the
    /// system ran short of fds, processes or memory (<c>EMFILE</c>, <c>ENFILE</c>, <c>EAGAIN</c>,
    /// <c>ENOMEM</c>, or the fd reserve check refused it). The default table restarts such failures
    /// with backoff; false (exec errors such as <c>ENOEXEC</c> or <c>EACCES</c>, a cgroup that cannot
    /// be made, no hello in time, the guardian's refusal) means a retry fails the same way.</summary>
    public bool IsTransient { get; }

    /// <inheritdoc />
    public override HelperFailureKind Kind => IsTransient ? HelperFailureKind.LaunchFailedTransient : HelperFailureKind.LaunchFailed;

    // The launch path's own failure may be wrapped (a reactor or channel failure around it), so the
    // whole chain is searched, not only the direct inner exception.
    private static LaunchFailedException? LaunchFailure(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
            if (e is LaunchFailedException launch) return launch;
        return null;
    }
}
