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
        : base($"launch of helper '{helperName}' failed: {call}: {Errno.Name(errno)} ({Errno.Describe(errno)}){Hint(errno)}", inner)
    {
        HelperName = helperName;
        Call = call;
        ErrorNumber = errno;
    }

    /// <summary>The blob's name (or the executable's path for path launches).</summary>
    public string HelperName { get; }

    /// <summary>The call that failed, usually <c>"posix_spawn"</c> (which reports exec errors).</summary>
    public string Call { get; }

    /// <summary>The errno value: <c>ENOEXEC</c> for a blob that is not executable, <c>ENOENT</c>
    /// for a script whose interpreter is missing, <c>EACCES</c> for no permission.</summary>
    public int ErrorNumber { get; }

    /// <summary>The symbolic errno name, e.g. <c>"ENOEXEC"</c>.</summary>
    public string ErrorName => Errno.Name(ErrorNumber);

    private static string Hint(int errno) => errno switch
    {
        Errno.ENOEXEC => ": the blob is neither an ELF executable for this machine nor a #! script",
        Errno.ENOENT => ": the executable or its #! interpreter does not exist",
        Errno.EACCES => ": permission denied (not executable, or mounted noexec)",
        _ => "",
    };
}
