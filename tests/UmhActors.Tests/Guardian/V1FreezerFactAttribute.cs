using UmhActors.Native.Cgroups;

namespace UmhActors.Tests.Guardian;

/// <summary>A test that removes a helper's directory in the cgroup v1 freezer hierarchy: skipped
/// (with the reason) where helpers do not get one.</summary>
public sealed class V1FreezerFactAttribute : FactAttribute
{
    /// <summary>Sets <see cref="FactAttribute.Skip"/> from run-time detection.</summary>
    public V1FreezerFactAttribute()
    {
        var support = CgroupSupport.Current;
        if (!support.IsAvailable) Skip = "no usable cgroups on this machine: " + support.Reason;
        else if (support.Backend != CgroupBackend.V1 || support.HostDirectories.Count < 2)
            Skip = "helpers get no v1 freezer cgroup here: " + support.Reason;
    }
}
