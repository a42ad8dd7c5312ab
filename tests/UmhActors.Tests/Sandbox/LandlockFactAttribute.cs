namespace UmhActors.Tests.Sandbox;

/// <summary>A test that needs Landlock (Linux 5.13+, enabled in the LSM list); skipped with the reason elsewhere.</summary>
public sealed class LandlockFactAttribute : FactAttribute
{
    /// <summary>Sets <see cref="FactAttribute.Skip"/> from the kernel's answer.</summary>
    public LandlockFactAttribute(int minimumAbi = 1)
    {
        if (SandboxSupport.NoLandlock is { } reason) Skip = reason;
        else if (SandboxSupport.LandlockAbi < minimumAbi) Skip = $"this kernel's Landlock ABI is {SandboxSupport.LandlockAbi}, the test needs {minimumAbi}";
    }
}

/// <summary>A test that needs a root host (identity switch); skipped with the reason elsewhere.</summary>
public sealed class RootFactAttribute : FactAttribute
{
    /// <summary>Sets <see cref="FactAttribute.Skip"/> unless this process runs as uid 0.</summary>
    public RootFactAttribute()
    {
        if (!SandboxSupport.ProcessField(Environment.ProcessId, "Uid").StartsWith("0\t", StringComparison.Ordinal))
            Skip = "switching a helper's identity needs a root host";
    }
}
