using System.Runtime.InteropServices;
using UmhActors.Native.Handles;

namespace UmhActors.Native.Cgroups;

/// <summary>Puts the spawning thread (only it) into a helper's v1 memory cgroup for the length of
/// the spawn, so the child starts there.</summary>
/// <remarks>Why: a child moved in after its exec leaves every page it touched until then charged
/// to the host's cgroup (v1 no longer moves charges: this kernel refuses
/// <c>memory.move_charge_at_immigrate</c>), so a limit too small for the helper's start-up did not
/// apply to it at all and the helper ran. The host's own memory stays charged to its main thread's
/// cgroup (the owner of its address space), so moving one thread for a moment charges the helper's
/// cgroup only with the kernel objects the clone makes for the child.
/// Both control files are opened before the move, so moving back needs no new fd.</remarks>
internal sealed class SpawnInside : IDisposable
{
    private readonly ControlFileHandle _home;
    private readonly string _homePath;
    private readonly int _tid;

    private SpawnInside(ControlFileHandle home, string homePath, int tid) => (_home, _homePath, _tid) = (home, homePath, tid);

    /// <summary>Moves the calling thread into <paramref name="memoryDirectory"/>; null when the
    /// thread's own memory cgroup cannot be read or is not mounted here (then the child is moved in
    /// after its start, as on v2: the launch still works, its start-up is charged to the host).</summary>
    /// <exception cref="CgroupException">Opening a <c>tasks</c> file or the move failed.</exception>
    public static SpawnInside? Enter(string memoryDirectory)
    {
        var tid = gettid();
        string? own;
        try
        {
            own = new CgroupMounts(File.ReadAllText($"/proc/self/task/{tid}/cgroup"), File.ReadAllText("/proc/self/mountinfo")).FindV1Directory("memory");
        }
        catch (IOException)
        {
            return null;
        }
        if (own is null) return null;
        var homePath = Path.Combine(own, "tasks");
        var home = CgroupFs.OpenForWriting(homePath);
        try
        {
            using var helper = CgroupFs.OpenForWriting(Path.Combine(memoryDirectory, "tasks"));
            var errno = CgroupFs.TryWriteOpen(helper, tid + "\n");
            if (errno != 0) throw new CgroupException("write", Path.Combine(memoryDirectory, "tasks"), errno, "moving the spawning thread in");
            return new SpawnInside(home, homePath, tid);
        }
        catch
        {
            home.Dispose();
            throw;
        }
    }

    /// <summary>Moves the thread back home.</summary>
    /// <exception cref="CgroupException">The move back failed.</exception>
    public void Dispose()
    {
        try
        {
            var errno = CgroupFs.TryWriteOpen(_home, _tid + "\n");
            if (errno != 0) throw new CgroupException("write", _homePath, errno, "moving the spawning thread back");
        }
        finally
        {
            _home.Dispose();
        }
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int gettid();
}
