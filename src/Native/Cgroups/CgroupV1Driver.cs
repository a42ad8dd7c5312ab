namespace UmhActors.Native.Cgroups;

/// <summary>A helper cgroup in the v1 hierarchies: a directory in the memory hierarchy and,
/// when the freezer hierarchy is usable, one in it.</summary>
/// <remarks>A sandbox's limits add a directory in the pids and/or cpu hierarchy
/// (<paramref name="pidsDirectory"/>, <paramref name="cpuDirectory"/>), after those two.</remarks>
internal sealed class CgroupV1Driver(string memoryDirectory, string? freezerDirectory, CgroupFsMimic? mimic, string? pidsDirectory = null, string? cpuDirectory = null)
    : CgroupDriver([memoryDirectory, .. Optional(freezerDirectory), .. Optional(pidsDirectory), .. Optional(cpuDirectory)], mimic)
{
    private static string[] Optional(string? directory) => directory is null ? [] : [directory];

    private const string Frozen = "FROZEN";

    public override CgroupBackend Backend => CgroupBackend.V1;

    public override bool CanFreeze => freezerDirectory is not null;

    public override void SetMemoryLimit(long bytes)
    {
        CgroupFs.Write(Path.Combine(memoryDirectory, "memory.limit_in_bytes"), bytes + "\n");
        // memory+swap equal to memory means no swap; the file exists only with swap accounting,
        // and must be written after limit_in_bytes (the kernel requires memsw >= mem).
        CgroupFs.WriteIfExists(Path.Combine(memoryDirectory, "memory.memsw.limit_in_bytes"), bytes + "\n");
    }

    public override void SetTaskLimit(int tasks) =>
        CgroupFs.Write(Path.Combine(pidsDirectory ?? throw new NotSupportedException("no pids hierarchy"), "pids.max"), tasks + "\n");

    public override void SetCpuQuota(double cpus)
    {
        var cpu = cpuDirectory ?? throw new NotSupportedException("no cpu hierarchy");
        CgroupFs.Write(Path.Combine(cpu, "cpu.cfs_period_us"), "100000\n");
        CgroupFs.Write(Path.Combine(cpu, "cpu.cfs_quota_us"), (long)Math.Ceiling(cpus * 100_000) + "\n");
    }

    // The oom_kill line exists since Linux 4.13; older kernels give no evidence (0).
    public override long ReadOomKillCount() => CgroupFs.ReadKey(Path.Combine(memoryDirectory, "memory.oom_control"), "oom_kill") ?? 0;

    public override void RequestFrozen(bool frozen) =>
        CgroupFs.Write(FreezerState(), frozen ? Frozen + "\n" : "THAWED\n");

    // FREEZING is the in-between state while tasks are still being stopped.
    public override bool ReadFrozen() => freezerDirectory is not null && CgroupFs.Read(FreezerState()).Trim() == Frozen;

    public override Handles.ControlFileHandle? OpenThawHandle() =>
        freezerDirectory is null ? null : CgroupFs.OpenForWriting(FreezerState());

    public override void KillAll()
    {
        // v1 frozen tasks do not act on SIGKILL until thawed; thaw after queueing the signal so
        // they die instead of running on.
        KillListed(Path.Combine(memoryDirectory, "cgroup.procs"));
        if (freezerDirectory is null) return;
        KillListed(Path.Combine(freezerDirectory, "cgroup.procs"));
        if (CgroupFs.ReadIfExists(FreezerState())?.Trim() != "THAWED") RequestFrozen(false);
    }

    private string FreezerState() => Path.Combine(freezerDirectory ?? throw new NotSupportedException("no freezer hierarchy"), "freezer.state");
}
