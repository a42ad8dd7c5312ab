namespace UmhActors.Guardian;

/// <summary>A running helper could not be frozen or thawed: its cgroup freezer failed or did not
/// finish in time, or its process group could not be signalled. The inner exception is the
/// platform's (a <c>CgroupException</c> naming the file and errno, a <c>NativeCallException</c>
/// naming the call). The helper and its actor keep running.</summary>
public sealed class HelperFreezeFailedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public HelperFreezeFailedException(string helperName, int pid, bool freezing, Exception inner)
        : base($"could not {(freezing ? "freeze" : "thaw")} helper '{helperName}' (pid {pid}): {inner.Message}", inner)
    {
        HelperName = helperName;
        Pid = pid;
        Freezing = freezing;
    }

    /// <summary>The helper's (blob's) name.</summary>
    public string HelperName { get; }

    /// <summary>The helper's process id.</summary>
    public int Pid { get; }

    /// <summary>True when freezing failed, false when thawing did.</summary>
    public bool Freezing { get; }
}
