namespace UmhActors.Native.Cgroups;

/// <summary>A helper cgroup in the unified hierarchy: one directory.</summary>
internal sealed class CgroupV2Driver(string directory, CgroupFsMimic? mimic) : CgroupDriver([directory], mimic)
{
    private string File(string name) => Path.Combine(directory, name);

    public override CgroupBackend Backend => CgroupBackend.V2;

    // cgroup.freeze exists in non-root cgroups since Linux 5.2.
    public override bool CanFreeze => System.IO.File.Exists(File("cgroup.freeze"));

    public override void SetMemoryLimit(long bytes)
    {
        CgroupFs.Write(File("memory.max"), bytes + "\n");
        // Without this, a swap-enabled machine would let the helper page out instead of dying.
        CgroupFs.WriteIfExists(File("memory.swap.max"), "0\n");
    }

    public override void SetTaskLimit(int tasks)
    {
        EnableInParent("pids");
        CgroupFs.Write(File("pids.max"), tasks + "\n");
    }

    public override void SetCpuQuota(double cpus)
    {
        EnableInParent("cpu");
        CgroupFs.Write(File("cpu.max"), $"{(long)Math.Ceiling(cpus * 100_000)} 100000\n");
    }

    // Detection enabled only memory for children; a sandbox's limits need their controllers too.
    private void EnableInParent(string controller)
    {
        var subtree = Path.Combine(Path.GetDirectoryName(directory)!, "cgroup.subtree_control");
        if (CgroupFs.Read(subtree).Split((char[])[' ', '\n'], StringSplitOptions.RemoveEmptyEntries).Contains(controller)) return;
        CgroupFs.Write(subtree, "+" + controller);
    }

    // memory.events counts for this cgroup and its descendants: the helper and what it started.
    public override long ReadOomKillCount() => CgroupFs.ReadKey(File("memory.events"), "oom_kill") ?? 0;

    public override void RequestFrozen(bool frozen) => CgroupFs.Write(File("cgroup.freeze"), frozen ? "1\n" : "0\n");

    public override bool ReadFrozen() => CgroupFs.ReadKey(File("cgroup.events"), "frozen") == 1;

    public override void KillAll()
    {
        // cgroup.kill (Linux 5.14) kills atomically, including processes forked meanwhile.
        if (!CgroupFs.WriteIfExists(File("cgroup.kill"), "1\n")) KillListed(File("cgroup.procs"));
    }
}
