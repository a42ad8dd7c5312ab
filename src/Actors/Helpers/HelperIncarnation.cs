using Akka.Actor;
using Akka.Event;
using System.Diagnostics;
using UmhActors.Diagnostics;
using UmhActors.Failures;
using UmhActors.Native;
using UmhActors.Native.Blobs;
using UmhActors.Native.Io;
using UmhActors.Native.Launch;
using UmhActors.Native.Processes;
using UmhActors.Protocol.Control;
using static UmhActors.Helpers.HelperActorSignals;

namespace UmhActors.Helpers;

/// <summary>
/// One launch of a helper actor's blob: the process, its frame channel and stderr reader, and the
/// per-process bookkeeping (readiness, requests sent, the host's own kill and why). A helper
/// actor has at most one at a time; a restart retires it and launches the next generation.
/// </summary>
internal sealed class HelperIncarnation
{
    private readonly string _name;
    private readonly ILoggingAdapter _log;

    private HelperIncarnation(int generation, string name, HelperProcess process, FrameChannel channel, HelperFrameReceiver receiver, LineReader stderr,
        ILoggingAdapter log)
    {
        _name = name;
        _log = log;
        Generation = generation;
        Process = process;
        Channel = channel;
        Receiver = receiver;
        Stderr = stderr;
    }

    public int Generation { get; }

    public HelperProcess Process { get; }

    public FrameChannel Channel { get; }

    public HelperFrameReceiver Receiver { get; }

    private LineReader Stderr { get; }

    public bool Ready { get; set; }

    /// <summary>What the host found checking the helper's sandbox after <c>$/hello</c>; null without one.</summary>
    public Native.Sandbox.SandboxVerification? Sandbox { get; set; }

    public bool Exited { get; set; }

    public long Dispatched { get; set; }

    public long TimedOut { get; set; }

    /// <summary>The <see cref="Stopwatch"/> timestamp just before the spawn, for <c>umh.helper.launch.duration</c>.</summary>
    public long SpawnedAt { get; private init; }

    public HostKillReason HostKill { get; private set; }

    /// <summary>The control methods the helper speaks, which decide how <see cref="Retire"/> asks it to stop.</summary>
    public ControlProtocol Control { get; private init; }

    public Exception? HostKillCause { get; private set; }

    /// <summary>The watchdog's unanswered ping: its token and when it was sent (a monotonic
    /// <see cref="TimeProvider.GetTimestamp"/> reading, so a wall-clock step cannot fake a hang).</summary>
    public (ulong Token, long SentAt)? OutstandingPing { get; set; }

    /// <summary>The last cgroup freeze or thaw started for this helper; the next one runs after it,
    /// so a thaw can never be overtaken by the freeze it undoes.</summary>
    public Task FreezeQueue { get; set; } = Task.CompletedTask;

    public int InFlight => (int)(Dispatched - TimedOut - Volatile.Read(ref Receiver.Answered));

    // The actor's last look at Receiver.Answered. The count only grows, so a stale look only
    // overstates what is in flight; reading the reactor's counter for every request cost a cache
    // line fetched from the reactor's core each time.
    private int _answeredSeen;

    /// <summary>Whether one more request may go out with at most <paramref name="maxInFlight"/> in
    /// flight: looks at the reactor's count of answers only when the last look says there is no room.
    /// Actor thread only. (Casts as <see cref="InFlight"/> does: the int count may wrap.)</summary>
    public bool HasFreeSlot(int maxInFlight)
    {
        if ((int)(Dispatched - TimedOut - _answeredSeen) < maxInFlight) return true;
        _answeredSeen = Volatile.Read(ref Receiver.Answered);
        return (int)(Dispatched - TimedOut - _answeredSeen) < maxInFlight;
    }

    /// <summary>Launches <paramref name="blob"/>; reading starts at once and every event about
    /// the process reaches <paramref name="self"/> tagged with <paramref name="generation"/>.</summary>
    /// <exception cref="HelperLaunchFailedException">The helper could not be started, for whatever
    /// reason the launch path gave (exec error, cgroup failure or cgroups unavailable, fd limit,
    /// reactor registration…); the inner exception is the original, and a transient one (fds,
    /// processes, memory) makes it <see cref="HelperLaunchFailedException.IsTransient"/>. Nothing is left running.</exception>
    public static HelperIncarnation Launch(int generation, HelperBlob blob, HelperOptions options, IActorRef self,
        PendingTable pending, HelperEventSubscribers subscribers, ILoggingAdapter log, UmhMetrics? metrics = null)
        => Attach(generation, Spawn(blob, options), blob, options, self, pending, subscribers, log, metrics);

    /// <summary>The first half of <see cref="Launch"/>, the part that blocks (memfd, cgroup,
    /// <c>posix_spawn</c>): runs on a spawn thread (<see cref="HelperSpawn"/>), not the actor's.</summary>
    /// <exception cref="HelperLaunchFailedException">See <see cref="Launch"/>.</exception>
    public static HelperProcess Spawn(HelperBlob blob, HelperOptions options)
    {
        try
        {
            return HelperLauncher.Launch(blob, options.Launch.WithStdio(StdioMode.Pipes));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Every failure of the launch path is the supervision table's to judge (LaunchFailed, or
            // LaunchFailedTransient when the original is a transient LaunchFailedException: the
            // wrapper reads the flag from it), never an exception escaping the actor: Akka would
            // restart it at once, forever. HelperLauncher leaves nothing behind when it throws.
            throw new HelperLaunchFailedException(blob.Name, 0, null, TimeSpan.Zero, $"could not be started: {e.Message}", e);
        }
    }

    /// <summary>The second half of <see cref="Launch"/>, on the actor's thread: takes ownership of
    /// <paramref name="process"/> (killed and disposed if this fails) and starts reading its pipes.</summary>
    /// <exception cref="HelperLaunchFailedException">See <see cref="Launch"/>.</exception>
    public static HelperIncarnation Attach(int generation, HelperProcess process, HelperBlob blob, HelperOptions options, IActorRef self,
        PendingTable pending, HelperEventSubscribers subscribers, ILoggingAdapter log, UmhMetrics? metrics = null)
    {
        var spawnedAt = process.Timings.Begun != 0 ? process.Timings.Begun : Stopwatch.GetTimestamp();
        FrameChannel? channel = null;
        LineReader? stderr = null;
        try
        {
            var receiver = new HelperFrameReceiver(generation, blob.Name, process.Pid, self, pending, subscribers, log, metrics: metrics,
                expectHello: options.Control == ControlProtocol.Umh, inlineCompletions: options.InlineCompletions);
            channel = new FrameChannel(process, receiver, options.Limits);
            receiver.Channel = channel;
            var pid = process.Pid;
            stderr = new LineReader(process.Stderr!, line =>
            {
                if (options.LogStderr) log.Info("[helper {0} pid {1} stderr] {2}", blob.Name, pid, line);
                subscribers.Publish(new HelperStderrLine(blob.Name, pid, line));
            });
            stderr.Start();
            channel.Start();
            process.Exited.ContinueWith(t => self.Tell(new HelperExited(generation, t.Result)), TaskContinuationOptions.ExecuteSynchronously);
            return new HelperIncarnation(generation, blob.Name, process, channel, receiver, stderr, log) { SpawnedAt = spawnedAt, Control = options.Control };
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Abandon(process, channel, stderr, log);
            throw new HelperLaunchFailedException(blob.Name, process.Pid, null, TimeSpan.Zero, $"could not be started: {e.Message}", e);
        }
    }

    // Best effort, step by step: a failing step must not keep the later ones from running.
    private static void Abandon(HelperProcess? process, FrameChannel? channel, LineReader? stderr, ILoggingAdapter log)
    {
        foreach (var step in new Action?[] { channel is null ? null : channel.Dispose, stderr is null ? null : stderr.Dispose, process is null ? null : process.Dispose })
        {
            try
            {
                step?.Invoke();
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                log.Warning("cleaning up after a failed launch: {0}", e.Message);
            }
        }
    }

    /// <summary>SIGKILL to the process group, remembering why, so the death is classified as the
    /// host's doing (hang, protocol violation) and not as an admin's kill. Only the first reason counts.</summary>
    public void Kill(HostKillReason reason, Exception cause)
    {
        if (Exited || HostKill != HostKillReason.None) return;
        HostKill = reason;
        HostKillCause = cause;
        Process.Kill();
    }

    /// <summary>Ends the helper after its actor stopped. A ready helper that is not frozen is
    /// first asked to shut down (<c>$/shutdown</c>: it answers what it has in flight, refuses new
    /// requests, and exits; a plain msgpack-rpc helper instead sees its stdin closed, the EOF that
    /// ends msgpack-rpc servers over stdio) and given <paramref name="grace"/> to exit; then, as a
    /// fallback, the process group gets SIGTERM, and SIGKILL after another <paramref name="grace"/>
    /// (or as soon as the helper has exited, for anything it left behind); then the pipes are closed.
    /// The task completes once the helper is reaped and its cgroup removed.</summary>
    public Task Retire(TimeSpan grace, bool graceful)
    {
        if (!Exited && HostKill == HostKillReason.None) HostKill = HostKillReason.Stop;
        var polite = graceful && Ready && !Exited && grace > TimeSpan.Zero;
        var askToShutdown = polite && Control == ControlProtocol.Umh &&
            Channel.Enqueue(0, static (output, _) => ControlFrames.WriteShutdown(output)) && Channel.Flush();
        var closeStdin = polite && Control == ControlProtocol.None;
        if (!askToShutdown)
        {
            Channel.Dispose();
            // A helper ending on EOF may still write to stderr: keep reading it until it is gone.
            if (!closeStdin) Stderr.Dispose();
        }
        // After the channel stopped writing, so no write races the close.
        if (closeStdin) Process.Stdin?.Dispose();
        return EndAsync(askToShutdown || closeStdin ? grace : TimeSpan.Zero, grace, logEnd: graceful,
            askedBy: closeStdin ? "stdin EOF" : "$/shutdown");
    }

    private async Task EndAsync(TimeSpan shutdownWait, TimeSpan termGrace, bool logEnd, string askedBy)
    {
        var process = Process;
        try
        {
            // Keep reading meanwhile, so the helper's last answers and output do not block it.
            if (shutdownWait > TimeSpan.Zero) await Task.WhenAny(process.Exited, Task.Delay(shutdownWait)).ConfigureAwait(false);
            var exitedOnRequest = process.HasExited;
            Channel.Dispose();
            Stderr.Dispose();
            var exit = await process.TerminateAsync(termGrace).ConfigureAwait(false);
            if (logEnd)
                _log.Info("helper {0} (pid {1}) stopped {2}: {3}", _name, process.Pid,
                    shutdownWait <= TimeSpan.Zero ? "by signal" : exitedOnRequest ? "on " + askedBy : $"by signal after {askedBy} went unheeded", exit);
        }
        finally
        {
            process.Dispose();
        }
    }
}
