using System.Runtime.InteropServices;
using UmhActors.Native.Cgroups;
using UmhActors.Native.Exit;
using UmhActors.Native.Handles;
using UmhActors.Native.Interop;
using UmhActors.Native.Io;
using UmhActors.Native.Launch;
using static Tmds.Linux.LibC;

namespace UmhActors.Native.Processes;

/// <summary>
/// A running helper: its pid and process group, the host's ends of its pipes, and a task that
/// completes with its <see cref="ExitStatus"/> once it has been reaped.
/// </summary>
/// <remarks>
/// Disposing kills the helper's whole process group (SIGKILL) if it is still running, and closes
/// the pipes: a helper never outlives the object that owns it. The helper leads its own process
/// group, so group signals reach the processes it started too.
/// <para>When the helper exits, whatever is left of its group gets SIGKILL while the exited
/// leader is still an unreaped zombie (its pid, the group's number, cannot be reused yet); then
/// it is reaped. From then on every group signal is a no-op returning false: the number may
/// belong to another process group by then, and signalling it could kill a stranger.</para>
/// </remarks>
public sealed class HelperProcess : IDisposable, IAsyncDisposable
{
    private readonly PidfdHandle _pidfd;
    private readonly TaskCompletionSource<ExitStatus> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    // Group signals and the reap take this lock: a signal either reaches the group while the
    // zombie leader still pins its number, or sees _groupReleased and sends nothing.
    private readonly object _groupGate = new();
    private bool _groupReleased;
    private int _lastHostSignal;
    private int _disposed;

    internal HelperProcess(string name, SpawnedChild child, Reactor reactor, HelperCgroup? cgroup = null)
    {
        Name = name;
        Cgroup = cgroup;
        Pid = child.Pid;
        _pidfd = child.Pidfd;
        StartedAt = DateTimeOffset.UtcNow;
        try
        {
            if (child.StdinWrite is { } stdin) Stdin = Watched(new PipeWriteEnd(stdin, reactor));
            if (child.StdoutRead is { } stdout) Stdout = Watched(new PipeReadEnd(stdout, reactor));
            if (child.StderrRead is { } stderr) Stderr = Watched(new PipeReadEnd(stderr, reactor));
            LiveHelpers.Add(this);
            ChildReaper.Watch(reactor, _pidfd, Pid, child.StartTimestamp, _groupGate, OnLeaderExited, OnReaped);
        }
        catch
        {
            Abandon(child);
            throw;
        }
    }

    /// <summary>The blob's name (or path) the helper was started from.</summary>
    public string Name { get; }

    /// <summary>The helper's process id; also its process group id.</summary>
    public int Pid { get; }

    /// <summary>The helper's process group (it leads its own).</summary>
    public int ProcessGroupId => Pid;

    /// <summary>Where the launch's time went in the host (see <see cref="LaunchTimings"/>); default
    /// for a process not started by <see cref="HelperLauncher"/>.</summary>
    internal LaunchTimings Timings { get; set; }

    /// <summary>When the spawn returned.</summary>
    public DateTimeOffset StartedAt { get; }

    /// <summary>The helper's stdin (host writes); null when stdio is <see cref="StdioMode.Null"/>.</summary>
    public PipeWriteEnd? Stdin { get; }

    /// <summary>The helper's stdout (host reads); null when stdio is <see cref="StdioMode.Null"/>.</summary>
    public PipeReadEnd? Stdout { get; }

    /// <summary>The helper's stderr (host reads); null when stdio is <see cref="StdioMode.Null"/>.</summary>
    public PipeReadEnd? Stderr { get; }

    /// <summary>The helper's own cgroup (memory limit, OOM evidence, freezer); null when the launch
    /// did not ask for one or ran without one. Removed automatically once the helper is reaped,
    /// before <see cref="Exited"/> completes.</summary>
    public HelperCgroup? Cgroup { get; }

    /// <summary>Completes once the helper has exited and been reaped (and its cgroup, if any,
    /// read for OOM evidence and removed). Never faults.</summary>
    public Task<ExitStatus> Exited => _exited.Task;

    /// <summary>True once the helper has been reaped.</summary>
    public bool HasExited => _exited.Task.IsCompleted;

    /// <summary>The last signal this host sent to the helper or its group (0: none). Lets
    /// supervisors tell the host's own kills from an administrator's.</summary>
    public int LastSignalSentByHost => Volatile.Read(ref _lastHostSignal);

    /// <summary>
    /// Sends <paramref name="signal"/> to the helper process alone, through its pidfd (never to a
    /// recycled pid). Returns false when the helper has already exited.
    /// </summary>
    /// <exception cref="NativeCallException">pidfd_send_signal failed for another reason.</exception>
    public bool Signal(int signal)
    {
        if (HasExited) return false;
        Volatile.Write(ref _lastHostSignal, signal);
        int errno;
        var added = false;
        try
        {
            _pidfd.DangerousAddRef(ref added);
            if (Libc.pidfd_send_signal(_pidfd.Fd, signal) == 0)
            {
                ThawIfKilled(signal);
                return true;
            }
            // Read before DangerousRelease: a release that closes the pidfd overwrites errno.
            errno = Marshal.GetLastPInvokeError();
        }
        catch (ObjectDisposedException)
        {
            return false; // reaped and closed meanwhile
        }
        finally
        {
            if (added) _pidfd.DangerousRelease();
        }
        if (errno == Errno.ESRCH) return false;
        throw new NativeCallException("pidfd_send_signal", errno);
    }

    /// <summary>Sends <paramref name="signal"/> to the helper's whole process group (the helper
    /// and what it started). Returns false, sending nothing, once the helper has been reaped (its
    /// group was killed then, and its number may since belong to someone else), or when no process
    /// is left in the group.</summary>
    /// <exception cref="NativeCallException">killpg failed for another reason.</exception>
    public bool SignalGroup(int signal)
    {
        lock (_groupGate)
        {
            if (_groupReleased) return false;
            Volatile.Write(ref _lastHostSignal, signal);
            if (killpg(ProcessGroupId, signal) != 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                if (errno == Errno.ESRCH) return false;
                throw new NativeCallException("killpg", errno);
            }
        }
        ThawIfKilled(signal);
        return true;
    }

    /// <summary>SIGKILL to the helper's process group. Does not wait; await <see cref="Exited"/>.</summary>
    public void Kill() => SignalGroup(SignalNames.SIGKILL);

    /// <summary>
    /// Stops the helper gracefully: SIGTERM to its process group, then SIGKILL to the group once
    /// the helper has exited or <paramref name="grace"/> has passed, whichever is first (so
    /// processes it started that ignore SIGTERM die too). Returns the helper's exit status.
    /// </summary>
    public async Task<ExitStatus> TerminateAsync(TimeSpan grace, CancellationToken cancellationToken = default)
    {
        if (!HasExited)
        {
            SignalGroup(SignalNames.SIGTERM);
            await Task.WhenAny(Exited, Task.Delay(grace, cancellationToken)).ConfigureAwait(false);
        }
        // After the exit this is a no-op: the reaper killed the rest of the group already.
        SignalGroup(SignalNames.SIGKILL);
        return await Exited.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Kills the process group if the helper still runs and closes the pipes. Every step
    /// is tried even when an earlier one fails; the first failure is thrown after all have run.</summary>
    /// <exception cref="IOException">The kill (<see cref="NativeCallException"/>) or the thaw that lets a
    /// v1-frozen helper act on it (<see cref="CgroupException"/>) failed; the pipes are closed regardless.</exception>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        Exception? first = null;
        Step(() => SignalGroup(SignalNames.SIGKILL), ref first);
        if (Stdin is { } stdin) Step(stdin.Dispose, ref first);
        if (Stdout is { } stdout) Step(stdout.Dispose, ref first);
        if (Stderr is { } stderr) Step(stderr.Dispose, ref first);
        if (first is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(first);
    }

    /// <summary>Kills the process group if still running, closes the pipes and waits until the
    /// helper has been reaped.</summary>
    public async ValueTask DisposeAsync()
    {
        Dispose();
        await Exited.ConfigureAwait(false);
    }

    /// <inheritdoc />
    public override string ToString() => $"helper '{Name}' (pid {Pid})";

    // A v1-frozen helper does not act on SIGKILL until thawed; thawing after the signal is
    // queued makes it die rather than run on.
    private void ThawIfKilled(int signal)
    {
        if (signal == SignalNames.SIGKILL) Cgroup?.ThawForKill();
    }

    private static void Step(Action step, ref Exception? first)
    {
        try
        {
            step();
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            first ??= e;
        }
    }

    private T Watched<T>(T end) where T : PipeEnd
    {
        end.CallbackFailed = OnCallbackFailed;
        return end;
    }

    // A reactor callback of one of our pipes threw: that pipe is deaf now, so the helper cannot
    // be served; kill it so its supervisor sees it end instead of waiting forever.
    private void OnCallbackFailed(Exception failure)
    {
        try
        {
            SignalGroup(SignalNames.SIGKILL);
        }
        catch (IOException)
        {
            // The pidfd route still works when killpg does not.
            Signal(SignalNames.SIGKILL);
        }
    }

    // Runs under _groupGate on the reaper's side, before the reap: the zombie leader still pins
    // the group's number, so this kill reaches only what the helper started.
    private void OnLeaderExited(bool groupStillPinned)
    {
        if (groupStillPinned) killpg(ProcessGroupId, SignalNames.SIGKILL);
        _groupReleased = true;
        LiveHelpers.Remove(this);
    }

    // The constructor failed after the spawn: nobody will own this child, so kill and reap it
    // here and close everything registered so far.
    private void Abandon(SpawnedChild child)
    {
        if (!HasExited) PosixSpawner.KillAndReap(Pid, _pidfd);
        lock (_groupGate) _groupReleased = true;
        LiveHelpers.Remove(this);
        Stdin?.Dispose();
        Stdout?.Dispose();
        Stderr?.Dispose();
        if (Stdin is null) child.StdinWrite?.Dispose();
        if (Stdout is null) child.StdoutRead?.Dispose();
        if (Stderr is null) child.StderrRead?.Dispose();
        _pidfd.Dispose();
    }

    private void OnReaped(ExitStatus exit)
    {
        _pidfd.Dispose();
        // Restarts churn the runtime's native memory across many threads: give glibc's free pages back.
        Memory.NativeHeapTrim.AfterHelperExit();
        if (Cgroup is not { } cgroup)
        {
            _exited.TrySetResult(exit);
            return;
        }
        // Usually the cgroup is empty now and one rmdir per directory removes it: done here, the
        // exit needs no thread-pool thread (which the runtime may be unable to start when the
        // host is out of fds). Otherwise removal may kill leftovers and retry rmdir while the
        // kernel detaches them: not on the reactor thread.
        if (cgroup.TryRemoveAtOnce())
        {
            _exited.TrySetResult(exit with { OomKillCount = cgroup.FinalOomKillCount });
            return;
        }
        ThreadPool.UnsafeQueueUserWorkItem(_ =>
        {
            try
            {
                cgroup.Remove();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
            {
                // Kept on cgroup.RemovalError; Exited never faults.
            }
            finally
            {
                // Whatever removal did, the exit is known: nobody waits forever for it.
                _exited.TrySetResult(exit with { OomKillCount = cgroup.FinalOomKillCount });
            }
        }, null);
    }
}
