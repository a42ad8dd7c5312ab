namespace UmhActors.Native.Tests.ProcessLimits;

/// <summary>A test that must start as root (to drop to another uid); skipped, with the reason, otherwise.</summary>
public sealed class RootFactAttribute : FactAttribute
{
    /// <summary>Sets <see cref="FactAttribute.Skip"/> when this process is not root.</summary>
    public RootFactAttribute()
    {
        if (Environment.UserName != "root") Skip = "changing to another uid needs root";
    }
}
