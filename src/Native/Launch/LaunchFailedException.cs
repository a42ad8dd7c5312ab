using UmhActors.Native.Interop;

namespace UmhActors.Native.Launch;

/// <summary>
/// A helper could not be started: the exec failed (not an executable, no permission, missing
/// interpreter) or a resource the launch needs could not be set up. Carries errno and the
/// blob's name so callers can tell <c>ENOEXEC</c> from <c>ENOENT</c> without parsing text.
/// </summary>
public sealed class LaunchFailedException : Exception
{
    /// <summary>Creates the exception for <paramref name="helperName"/> failing in <paramref name="call"/>.</summary>
    public LaunchFailedException(string helperName, string call, int errno, Exception? inner = null)
        : this(helperName, call, errno, Hint(errno), inner)
    {
    }

    private LaunchFailedException(string helperName, string call, int errno, string detail, Exception? inner)
        : base($"launch of helper '{helperName}' failed: {call}: {Errno.Name(errno)} ({Errno.Describe(errno)}){detail}", inner)
    {
        HelperName = helperName;
        Call = call;
        ErrorNumber = errno;
    }

    /// <summary>The launch was refused because it would leave fewer than <paramref name="reserve"/>
    /// fds free (<see cref="LaunchOptions.FdReserve"/>).</summary>
    internal static LaunchFailedException FdReserve(string helperName, int open, long limit, int reserve) =>
        new(helperName, FdReserveCall, Errno.EMFILE,
            $": {open} of RLIMIT_NOFILE {limit} fds are open, and a launch takes up to {Launch.FdHeadroom.PeakPerLaunch} " +
            $"(a running helper keeps {Launch.FdHeadroom.HeldPerHelper}: its pidfd and three pipe ends) while {reserve} must stay free " +
            "for the .NET runtime; retry once helpers have stopped, or raise RLIMIT_NOFILE (ulimit -n, systemd LimitNOFILE=)", null);

    /// <summary>The <see cref="Call"/> of a launch refused by the fd reserve check.</summary>
    public const string FdReserveCall = "fd reserve";

    /// <summary>The blob's name (or the executable's path for path launches).</summary>
    public string HelperName { get; }

    /// <summary>The call that failed, usually <c>"posix_spawn"</c> (which reports exec errors).</summary>
    public string Call { get; }

    /// <summary>The errno value: <c>ENOEXEC</c> for a blob that is not executable, <c>ENOENT</c>
    /// for a script whose interpreter is missing, <c>EACCES</c> for no permission.</summary>
    public int ErrorNumber { get; }

    /// <summary>True when the same launch may succeed later without any change: the host or the
    /// system ran short of fds, processes or memory (<c>EMFILE</c>, <c>ENFILE</c>, <c>EAGAIN</c>,
    /// <c>ENOMEM</c>, or the fd reserve check). Back off and retry; false means a retry fails the same way.</summary>
    public bool IsTransient => ErrorNumber is Errno.EMFILE or Errno.ENFILE or Errno.EAGAIN or Errno.ENOMEM;

    /// <summary>The symbolic errno name, e.g. <c>"ENOEXEC"</c>.</summary>
    public string ErrorName => Errno.Name(ErrorNumber);

    private static string Hint(int errno) => errno switch
    {
        Errno.ENOEXEC => ": the blob is neither an ELF executable for this machine nor a #! script",
        Errno.ENOENT => ": the executable or its #! interpreter does not exist",
        Errno.EACCES => ": permission denied (not executable, or mounted noexec)",
        Errno.EMFILE => $": the host is out of fds (each running helper keeps {Launch.FdHeadroom.HeldPerHelper}); raise RLIMIT_NOFILE (ulimit -n, systemd LimitNOFILE=) or run fewer helpers",
        _ => "",
    };
}
