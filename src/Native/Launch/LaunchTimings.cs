namespace UmhActors.Native.Launch;

/// <summary>
/// Where one launch's time went in the host, as <see cref="System.Diagnostics.Stopwatch"/>
/// timestamps: when the launch began (fd headroom check, sealed memfd), when the helper's cgroup
/// was ready (equal to <paramref name="Begun"/>'s step when there is none), when
/// <c>posix_spawn</c> and <c>pidfd_open</c> returned, and when the pipes and pidfd were
/// registered with the reactor. Read by the launch span (<c>umh.helper.launch</c>) and the
/// benchmark's breakdown of mass start.
/// </summary>
internal readonly record struct LaunchTimings(long Begun, long CgroupReady, long Spawned, long Registered);
