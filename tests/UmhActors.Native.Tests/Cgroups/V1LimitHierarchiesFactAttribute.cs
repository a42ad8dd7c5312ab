using UmhActors.Native.Cgroups;

namespace UmhActors.Native.Tests.Cgroups;

/// <summary>A fact that needs v1 cgroups with writable pids and cpu hierarchies holding this
/// process (where a sandbox's task limit and CPU quota go on v1); skipped elsewhere, with why.</summary>
public sealed class V1LimitHierarchiesFactAttribute : FactAttribute
{
    /// <summary>Sets <see cref="FactAttribute.Skip"/> from run-time detection (xunit 2 has no dynamic skip).</summary>
    public V1LimitHierarchiesFactAttribute()
    {
        var support = CgroupSupport.Current;
        if (!support.IsAvailable || support.Backend != CgroupBackend.V1)
        {
            Skip = "needs cgroup v1: " + support.Reason;
            return;
        }
        var mounts = CgroupMounts.ForCurrentProcess();
        foreach (var controller in new[] { "pids", "cpu" })
            if (mounts.FindV1Directory(controller) is not { } directory || CgroupFs.CheckWritable(directory) != 0)
                Skip = $"no writable cgroup v1 '{controller}' hierarchy holds this process";
    }
}
