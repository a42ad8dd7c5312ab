namespace UmhActors.Guardian;

/// <summary>Whether helpers may be launched: the kernel's <c>enum umh_disable_depth</c>.</summary>
public enum GuardianState
{
    /// <summary>Launches get a permit at once (<c>UMH_ENABLED</c>).</summary>
    Enabled,

    /// <summary>Launches wait, each up to its own bound, and proceed on thaw (<c>UMH_FREEZING</c>).</summary>
    Freezing,

    /// <summary>Launches fail at once (<c>UMH_DISABLED</c>).</summary>
    Disabled,
}
