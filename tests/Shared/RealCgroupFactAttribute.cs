using UmhActors.Native.Cgroups;

namespace UmhActors.Tests.Shared;

/// <summary>A test that needs real helper cgroups (v2 or v1, whichever this machine offers);
/// skipped with the detection's reason only where the machine has none usable. With
/// <c>needsFreezer</c>, also skipped when the back end cannot freeze.</summary>
public sealed class RealCgroupFactAttribute : FactAttribute
{
    /// <summary>Sets <see cref="FactAttribute.Skip"/> from run-time detection (xunit 2 has no dynamic skip).</summary>
    public RealCgroupFactAttribute(bool needsFreezer = false)
    {
        var support = CgroupSupport.Current;
        if (!support.IsAvailable) Skip = "no usable cgroups on this machine: " + support.Reason;
        else if (needsFreezer && support.Backend == CgroupBackend.V1 && support.HostDirectories.Count < 2)
            Skip = "the v1 freezer hierarchy is not usable here: " + support.Reason;
    }
}
