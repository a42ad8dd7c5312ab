namespace UmhActors.Native.Cgroups;

/// <summary>
/// A launch asked for a cgroup (a memory limit or freezing) but this machine offers none the
/// library may use. <see cref="Reason"/> says why (no controller, not root and not delegated,
/// read-only, the v2 "no internal processes" rule). Nothing was started.
/// </summary>
/// <remarks>Callers that prefer running without a limit over not running at all use
/// <c>LaunchOptions.WithMemoryLimit(bytes, ignoreIfUnavailable: true)</c>.</remarks>
public sealed class CgroupUnavailableException : Exception
{
    /// <summary>Creates the exception for <paramref name="helperName"/> with the detection's reason.</summary>
    public CgroupUnavailableException(string helperName, string reason)
        : base($"helper '{helperName}' needs a cgroup, but none can be used here: {reason}")
    {
        HelperName = helperName;
        Reason = reason;
    }

    /// <summary>The blob's name (or path) that was to be launched.</summary>
    public string HelperName { get; }

    /// <summary>Why cgroups cannot be used, as <see cref="CgroupAvailability.Reason"/> reports it.</summary>
    public string Reason { get; }
}
