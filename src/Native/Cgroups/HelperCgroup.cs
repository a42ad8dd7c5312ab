using System.Diagnostics;
using System.Text;

namespace UmhActors.Native.Cgroups;

/// <summary>
/// One helper's own cgroup: created inside the host's cgroup before the helper is spawned, the
/// helper placed in it right after, removed once the helper has been reaped. Carries the memory
/// limit, the OOM evidence and the freezer.
/// </summary>
/// <remarks>
/// Named <c>umh-HOSTPID-N-pPIDNS-BLOBNAME</c> (PIDNS: the inode of the host's pid namespace) so
/// operators can tell whose it is, and a later host can tell when it was left by a dead one. After removal,
/// <see cref="ReadOomKillCount"/> returns the count read just before removal, <see cref="IsFrozen"/>
/// is false, and <see cref="Freeze"/>/<see cref="Thaw"/> throw <see cref="ObjectDisposedException"/>.
/// Processes the helper started stay in its cgroup; removal kills any that remain, as the
/// helper's process group kill does.
/// </remarks>
public sealed class HelperCgroup
{
    private static readonly TimeSpan DefaultFreezeTimeout = TimeSpan.FromSeconds(5);
    // v1: how long a freeze waits before writing FROZEN again, doubling up to the maximum.
    private static readonly TimeSpan FirstFreezeRetry = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan MaxFreezeRetryInterval = TimeSpan.FromMilliseconds(100);
    private static int s_counter;
    private readonly CgroupDriver _driver;
    private readonly object _gate = new();
    private long? _finalOomKillCount;
    private bool _removed;
    private bool _removalTried;
    // v1 only, while frozen by Freeze: the open freezer.state, so a kill can thaw without a new fd.
    private Handles.ControlFileHandle? _thawHandle;
    // Counts ThawForKill calls: no freeze starts once there was one, and a freeze still waiting
    // when it changes gives up, as the kill undid it.
    private int _kills;

    private HelperCgroup(CgroupDriver driver, long? memoryLimitBytes)
    {
        _driver = driver;
        MemoryLimitBytes = memoryLimitBytes;
    }

    /// <summary>V1 or V2.</summary>
    public CgroupBackend Backend => _driver.Backend;

    /// <summary>The cgroup's directory; for v1 the one in the memory hierarchy.</summary>
    public string Path => _driver.Directories[0];

    /// <summary>Every directory this cgroup owns: one for v2; memory then freezer for v1.</summary>
    public IReadOnlyList<string> Paths => _driver.Directories;

    /// <summary>The memory limit in bytes, or null when the cgroup has none (it exists for
    /// freezing or accounting only).</summary>
    public long? MemoryLimitBytes { get; }

    /// <summary>True when <see cref="Freeze"/> can work: v2 with <c>cgroup.freeze</c> (Linux 5.2),
    /// or v1 with a writable freezer hierarchy.</summary>
    public bool CanFreeze => _driver.CanFreeze;

    /// <summary>Why the last removal attempt after the helper was reaped failed (the directory
    /// remains, and removal is retried before the next helper cgroup is created and at exit);
    /// null when it succeeded or has not happened.</summary>
    public IOException? RemovalError { get; private set; }

    /// <summary>The OOM kill count read just before removal; null before removal or when that
    /// read failed.</summary>
    internal long? FinalOomKillCount
    {
        get { lock (_gate) return _finalOomKillCount; }
    }

    /// <summary>How many times a v1 freeze wrote FROZEN again because the cgroup stayed FREEZING
    /// (see <see cref="Freeze"/>); for tests and diagnostics.</summary>
    internal int FreezeRetries { get; private set; }

    /// <summary>True once the directories have been removed (after the helper was reaped).</summary>
    public bool IsRemoved
    {
        get { lock (_gate) return _removed; }
    }

    /// <summary>True while the helper's cgroup is completely frozen (a freeze still in progress
    /// reads false). False once removed or when the cgroup cannot freeze.</summary>
    /// <exception cref="CgroupException">The state file could not be read.</exception>
    public bool IsFrozen
    {
        get
        {
            lock (_gate) return !_removed && _driver.CanFreeze && _driver.ReadFrozen();
        }
    }

    /// <summary>
    /// How many times the kernel's OOM killer killed a process in this cgroup: v2
    /// <c>memory.events</c> <c>oom_kill</c>, v1 <c>memory.oom_control</c> <c>oom_kill</c> (0 on v1
    /// kernels before 4.13, which do not report it). After removal, the count read just before.
    /// </summary>
    /// <exception cref="CgroupException">The file could not be read.</exception>
    public long ReadOomKillCount()
    {
        lock (_gate) return _removed ? _finalOomKillCount ?? 0 : _driver.ReadOomKillCount();
    }

    /// <summary>
    /// Freezes every process in the cgroup (v2 <c>cgroup.freeze</c> = 1, v1 <c>freezer.state</c> =
    /// FROZEN) and returns once the kernel reports the freeze complete. A frozen helper reads no
    /// input and runs no code until <see cref="Thaw"/>; on v1 it does not even act on SIGKILL,
    /// which is why killing through <c>HelperProcess</c> thaws it afterwards.
    /// </summary>
    /// <exception cref="NotSupportedException"><see cref="CanFreeze"/> is false.</exception>
    /// <remarks>The wait holds no lock a kill needs: a kill during a freeze still in progress
    /// returns at once, thawing the cgroup so the SIGKILL acts, and the freeze then gives up. A
    /// helper once killed is never frozen again (the freeze fails), so a freeze racing the kill
    /// cannot leave it frozen with the SIGKILL pending.</remarks>
    /// <exception cref="CgroupException">A write failed, the freeze did not complete within
    /// <paramref name="timeout"/> (5 s by default; a task in an uninterruptible sleep delays it;
    /// on v1 the wait writes FROZEN again every 10 to 100 ms, since one write leaves a task that
    /// went to a killable sleep, such as a vfork parent, unfrozen), or the
    /// helper was killed before or while it froze (the kill thawed the cgroup).</exception>
    /// <exception cref="ObjectDisposedException">The cgroup has been removed (also when the helper
    /// was reaped and its cgroup removed while the freeze waited).</exception>
    public void Freeze(TimeSpan? timeout = null) => SetFrozen(true, timeout ?? DefaultFreezeTimeout);

    /// <summary>Thaws the cgroup and returns once the kernel reports it no longer frozen. Thawing
    /// a cgroup that is not frozen does nothing.</summary>
    /// <exception cref="NotSupportedException"><see cref="CanFreeze"/> is false.</exception>
    /// <exception cref="CgroupException">A write failed or the thaw did not complete within <paramref name="timeout"/>.</exception>
    /// <exception cref="ObjectDisposedException">The cgroup has been removed.</exception>
    public void Thaw(TimeSpan? timeout = null) => SetFrozen(false, timeout ?? DefaultFreezeTimeout);

    /// <inheritdoc />
    public override string ToString() => $"cgroup {Backend} {Path}";

    /// <summary>Creates the directories for a helper named <paramref name="helperName"/> and sets
    /// the limit; on any failure nothing is left behind.</summary>
    internal static HelperCgroup Create(CgroupAvailability availability, string helperName, long? memoryLimitBytes)
        => Create(availability, helperName, memoryLimitBytes, null, null);

    /// <summary>As <see cref="Create(CgroupAvailability, string, long?)"/>, with a sandbox's task
    /// limit (<c>pids.max</c>) and CPU quota; on v1 each takes a directory in its own hierarchy.</summary>
    /// <exception cref="CgroupException">A limit's hierarchy is not mounted (v1), or a write failed.</exception>
    internal static HelperCgroup Create(CgroupAvailability availability, string helperName, long? memoryLimitBytes, int? maxTasks, double? cpuQuota)
    {
        if (availability.Mimic is null) CgroupSupport.SweepStaleOnce();
        // The pid namespace is part of the name: a sweep in another namespace (sharing this
        // hierarchy) cannot tell whether our pid runs, so it must recognise the cgroup as not its own.
        var name = $"umh-{Environment.ProcessId}-{Interlocked.Increment(ref s_counter)}-{StaleCgroupCollector.NamespaceTag}-{Sanitize(helperName)}";
        CgroupDriver driver = availability.Backend switch
        {
            CgroupBackend.V2 => new CgroupV2Driver(System.IO.Path.Combine(availability.V2Directory!, name), availability.Mimic),
            CgroupBackend.V1 => new CgroupV1Driver(System.IO.Path.Combine(availability.V1MemoryDirectory!, name),
                availability.V1FreezerDirectory is { } freezer ? System.IO.Path.Combine(freezer, name) : null, availability.Mimic,
                maxTasks is null ? null : System.IO.Path.Combine(V1Hierarchy("pids"), name),
                cpuQuota is null ? null : System.IO.Path.Combine(V1Hierarchy("cpu"), name)),
            _ => throw new InvalidOperationException("cgroups are unavailable: " + availability.Reason),
        };
        LiveCgroups.RetryFailedRemovals();
        driver.Create();
        var cgroup = new HelperCgroup(driver, memoryLimitBytes);
        LiveCgroups.Add(cgroup);
        try
        {
            if (memoryLimitBytes is { } limit) driver.SetMemoryLimit(limit);
            if (maxTasks is { } tasks) driver.SetTaskLimit(tasks);
            if (cpuQuota is { } cpus) driver.SetCpuQuota(cpus);
        }
        catch
        {
            // The limit's failure is the one to report; a failed removal stays listed for a retry.
            try
            {
                cgroup.Remove();
            }
            catch (IOException)
            {
            }
            throw;
        }
        return cgroup;
    }

    /// <summary>Moves the freshly spawned helper in; false when it has already exited.</summary>
    internal bool Place(int pid) => _driver.Place(pid);

    /// <summary>For a v1 memory limit, puts the spawning thread into the helper's memory cgroup
    /// until disposed, so the child starts charged to it (see <see cref="SpawnInside"/>); null
    /// where that is not needed (v2 and no limit: start-up charges matter only under a limit).</summary>
    /// <exception cref="CgroupException">The thread could not be moved in.</exception>
    internal SpawnInside? EnterForSpawn() =>
        Backend == CgroupBackend.V1 && MemoryLimitBytes is not null && !_driver.IsMimic ? SpawnInside.Enter(_driver.Directories[0]) : null;

    /// <summary>Reads the final OOM count (when it can), then kills anything left and removes the
    /// directories. Idempotent; after a failure it may be called again (the cgroup stays listed in
    /// <see cref="LiveCgroups"/>, which retries it).</summary>
    /// <exception cref="CgroupException">Removal failed (also kept on <see cref="RemovalError"/>).</exception>
    internal void Remove()
    {
        lock (_gate)
        {
            if (_removed) return;
            _removalTried = true;
            try
            {
                _finalOomKillCount ??= _driver.ReadOomKillCount();
            }
            catch (IOException)
            {
                // No evidence (e.g. no fd to read it with) is not a reason to leave the directory.
            }
            try
            {
                _driver.Remove();
            }
            catch (IOException e)
            {
                RemovalError = e;
                throw;
            }
            MarkRemoved();
        }
    }

    private void MarkRemoved()
    {
        _removed = true;
        RemovalError = null;
        _thawHandle?.Dispose();
        _thawHandle = null;
        LiveCgroups.Remove(this);
    }

    /// <summary>Reads the final OOM count and tries one rmdir per directory, without killing or
    /// waiting; true when the cgroup is removed (or was). False leaves it for <see cref="Remove"/>.</summary>
    internal bool TryRemoveAtOnce()
    {
        lock (_gate)
        {
            if (_removed) return true;
            try
            {
                _finalOomKillCount ??= _driver.ReadOomKillCount();
            }
            catch (IOException)
            {
            }
            if (!_driver.TryRemoveAtOnce()) return false;
            MarkRemoved();
            return true;
        }
    }

    /// <summary>True once a removal was attempted and failed: <see cref="LiveCgroups"/> retries it.</summary>
    internal bool RemovalPending
    {
        get { lock (_gate) return _removalTried && !_removed; }
    }

    /// <summary>Lets a queued SIGKILL act: v1 frozen tasks ignore it until thawed. Only a cgroup
    /// frozen through <see cref="Freeze"/> is thawed, through the state file it kept open, so
    /// killing never needs a new fd.</summary>
    /// <exception cref="CgroupException">The write failed.</exception>
    internal void ThawForKill()
    {
        lock (_gate)
        {
            _kills++;
            if (_removed || _thawHandle is not { } handle) return;
            var errno = CgroupFs.TryWriteOpen(handle, "THAWED\n");
            if (errno != 0) throw new CgroupException("write", Paths[^1] + "/freezer.state", errno, "writing 'THAWED'");
        }
    }

    private void SetFrozen(bool frozen, TimeSpan timeout)
    {
        int kills;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_removed, this);
            if (!_driver.CanFreeze) throw new NotSupportedException($"{this} cannot be frozen: no freezer (v1 freezer hierarchy not usable, or v2 kernel before 5.2)");
            // A kill sends SIGKILL before ThawForKill; a freeze after that could freeze the helper
            // with the signal pending (v1), and nothing would thaw it: a killed helper stays thawed.
            if (frozen && _kills > 0) throw Abandoned();
            // Kept open while frozen; opened first, so a freeze that cannot keep it does not happen.
            if (frozen) _thawHandle ??= _driver.OpenThawHandle();
            _driver.RequestFrozen(frozen);
            if (!frozen)
            {
                _thawHandle?.Dispose();
                _thawHandle = null;
            }
            kills = _kills;
        }

        // The kernel may take seconds to freeze (a task in uninterruptible sleep keeps v1 FREEZING),
        // so the wait holds the lock only for each read: a kill (ThawForKill, on the caller's
        // thread) never waits for a freeze in progress.
        var started = Stopwatch.GetTimestamp();
        var retryInterval = FirstFreezeRetry;
        var retryAt = FirstFreezeRetry;
        while (true)
        {
            lock (_gate)
            {
                ObjectDisposedException.ThrowIf(_removed, this);
                if (frozen && _kills != kills) throw Abandoned();
                if (_driver.ReadFrozen() == frozen) return;
                // v1 freezes each task once per write of FROZEN. A task that was running when the
                // write reached it and then went to a killable sleep is never frozen: a vfork
                // parent (dash and posix_spawn vfork every command) whose child the write did
                // freeze waits for that child's exec for ever, and the cgroup stays FREEZING. A new
                // write freezes such a sleeper in place, so the kernel docs advise retrying.
                if (frozen && _thawHandle is { } handle && Stopwatch.GetElapsedTime(started) >= retryAt)
                {
                    var errno = CgroupFs.TryWriteOpen(handle, "FROZEN\n");
                    if (errno != 0) throw new CgroupException("write", Paths[^1] + "/freezer.state", errno, "retrying 'FROZEN'");
                    FreezeRetries++;
                    retryInterval = TimeSpan.FromTicks(Math.Min(retryInterval.Ticks * 2, MaxFreezeRetryInterval.Ticks));
                    retryAt = Stopwatch.GetElapsedTime(started) + retryInterval;
                }
            }
            if (Stopwatch.GetElapsedTime(started) > timeout)
                throw new CgroupException(frozen ? "freeze" : "thaw", Path, 0, $"not {(frozen ? "frozen" : "thawed")} after {timeout.TotalMilliseconds:F0} ms");
            Thread.Sleep(1);
        }
    }

    private CgroupException Abandoned() => new("freeze", Path, 0, "abandoned: the helper was killed");

    private static string V1Hierarchy(string controller) => CgroupMounts.ForCurrentProcess().FindV1Directory(controller)
        ?? throw new CgroupException("find", "/proc/self/mountinfo", 0, $"no cgroup v1 '{controller}' hierarchy holding this process is mounted");

    // Blob names are free text; cgroup names must be one path component.
    private static string Sanitize(string name)
    {
        var text = new StringBuilder();
        foreach (var c in name.Length > 64 ? name[..64] : name)
            text.Append(char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' ? c : '_');
        return text.ToString();
    }
}
