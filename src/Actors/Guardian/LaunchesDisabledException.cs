namespace UmhActors.Guardian;

/// <summary>The guardian is <see cref="GuardianState.Disabled"/> (or became so while the launch
/// waited): no helper may be launched.</summary>
public sealed class LaunchesDisabledException : Exception
{
    /// <summary>Creates the exception.</summary>
    public LaunchesDisabledException()
        : base("helper launches are disabled by the guardian (usermodehelper_disable)")
    {
    }
}
