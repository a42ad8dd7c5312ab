namespace UmhActors.Native.Cgroups;

/// <summary>Which cgroup hierarchy a helper's cgroup lives in.</summary>
public enum CgroupBackend
{
    /// <summary>Legacy per-controller hierarchies (<c>/sys/fs/cgroup/memory</c>, <c>/sys/fs/cgroup/freezer</c>):
    /// one directory per controller.</summary>
    V1 = 1,

    /// <summary>The unified hierarchy: one directory carrying every enabled controller.</summary>
    V2 = 2,
}
