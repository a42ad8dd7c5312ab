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
/// </remarks>
public sealed class HelperProcess : IDisposable, IAsyncDisposable
{
    private readonly PidfdHandle _pidfd;
    private readonly TaskCompletionSource<ExitStatus> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _lastHostSignal;
    private int _disposed;

    internal HelperProcess(string name, SpawnedChild child, Reactor reactor, HelperCgroup? cgroup = null)
    {
        Name = name;
        Cgroup = cgroup;
        Pid = child.Pid;
        _pidfd = child.Pidfd;
        StartedAt = DateTimeOffset.UtcNow;
        if (child.StdinWrite is { } stdin) Stdin = new PipeWriteEnd(stdin, reactor);
        if (child.StdoutRead is { } stdout) Stdout = new PipeReadEnd(stdout, reactor);
        if (child.StderrRead is { } stderr) Stderr = new PipeReadEnd(stderr, reactor);
        LiveHelpers.Add(Pid);
        ChildReaper.Watch(reactor, _pidfd, Pid, child.StartTimestamp, OnReaped);
    }

    /// <summary>The blob's name (or path) the helper was started from.</summary>
    public string Name { get; }

    /// <summary>The helper's process id; also its process group id.</summary>
    public int Pid { get; }

    /// <summary>The helper's process group (it leads its own).</summary>
    public int ProcessGroupId => Pid;

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
        var added = false;
        try
        {
            _pidfd.DangerousAddRef(ref added);
            if (Libc.pidfd_send_signal(_pidfd.Fd, signal) == 0)
            {
                ThawIfKilled(signal);
                return true;
            }
        }
        catch (ObjectDisposedException)
        {
            return false; // reaped and closed meanwhile
        }
        finally
        {
            if (added) _pidfd.DangerousRelease();
        }
        var errno = Marshal.GetLastPInvokeError();
        if (errno == Errno.ESRCH) return false;
        throw new NativeCallException("pidfd_send_signal", errno);
    }

    /// <summary>Sends <paramref name="signal"/> to the helper's whole process group (the helper
    /// and what it started). Returns false when no process is left in the group.</summary>
    /// <exception cref="NativeCallException">killpg failed for another reason.</exception>
    public bool SignalGroup(int signal)
    {
        Volatile.Write(ref _lastHostSignal, signal);
        if (killpg(ProcessGroupId, signal) == 0)
        {
            ThawIfKilled(signal);
            return true;
        }
        var errno = Marshal.GetLastPInvokeError();
        if (errno == Errno.ESRCH) return false;
        throw new NativeCallException("killpg", errno);
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
        SignalGroup(SignalNames.SIGKILL);
        var exit = await Exited.WaitAsync(cancellationToken).ConfigureAwait(false);
        LiveHelpers.Remove(ProcessGroupId);
        return exit;
    }

    /// <summary>Kills the process group if the helper still runs and closes the pipes.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        SignalGroup(SignalNames.SIGKILL);
        LiveHelpers.Remove(ProcessGroupId);
        Stdin?.Dispose();
        Stdout?.Dispose();
        Stderr?.Dispose();
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

    private void OnReaped(ExitStatus exit)
    {
        _pidfd.Dispose();
        if (Cgroup is not { } cgroup)
        {
            _exited.TrySetResult(exit);
            return;
        }
        // Removal may kill leftovers and retry rmdir while the kernel detaches them: not on
        // the reactor thread.
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
