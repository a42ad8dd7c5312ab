namespace UmhActors.Native.Tests.ProcessLimits;

/// <summary>A test that needs a writable cgroup v1 <c>pids</c> hierarchy (root); skipped, with the
/// reason, where there is none.</summary>
public sealed class PidsCgroupFactAttribute : FactAttribute
{
    /// <summary>The hierarchy's mount point.</summary>
    public const string Root = "/sys/fs/cgroup/pids";

    /// <summary>Sets <see cref="FactAttribute.Skip"/> from what the machine offers.</summary>
    public PidsCgroupFactAttribute()
    {
        if (!File.Exists(Path.Join(Root, "cgroup.procs"))) Skip = $"no cgroup v1 pids hierarchy at {Root}";
        else if (Environment.UserName != "root") Skip = "creating a pids cgroup needs root";
    }
}
