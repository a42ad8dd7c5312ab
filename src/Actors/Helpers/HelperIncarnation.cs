using System.Collections.Concurrent;
using Akka.Actor;
using Akka.Event;
using UmhActors.Failures;
using UmhActors.Native;
using UmhActors.Native.Blobs;
using UmhActors.Native.Io;
using UmhActors.Native.Launch;
using UmhActors.Native.Processes;
using static UmhActors.Helpers.HelperActorSignals;

namespace UmhActors.Helpers;

/// <summary>
/// One launch of a helper actor's blob: the process, its frame channel and stderr reader, and the
/// per-process bookkeeping (readiness, requests sent, the host's own kill and why). A helper
/// actor has at most one at a time; a restart retires it and launches the next generation.
/// </summary>
internal sealed class HelperIncarnation
{
    private HelperIncarnation(int generation, HelperProcess process, FrameChannel channel, HelperFrameReceiver receiver, LineReader stderr)
    {
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

    public bool Exited { get; set; }

    public long Dispatched { get; set; }

    public long TimedOut { get; set; }

    public HostKillReason HostKill { get; private set; }

    public Exception? HostKillCause { get; private set; }

    /// <summary>The watchdog's unanswered ping: its token and when it was sent.</summary>
    public (ulong Token, DateTime SentAt)? OutstandingPing { get; set; }

    public int InFlight => (int)(Dispatched - TimedOut - Volatile.Read(ref Receiver.Answered));

    /// <summary>Launches <paramref name="blob"/>; reading starts at once and every event about
    /// the process reaches <paramref name="self"/> tagged with <paramref name="generation"/>.</summary>
    /// <exception cref="HelperLaunchFailedException">The helper could not be started.</exception>
    public static HelperIncarnation Launch(int generation, HelperBlob blob, HelperOptions options, IActorRef self,
        ConcurrentDictionary<uint, PendingRequest> pending, HelperEventSubscribers subscribers, ILoggingAdapter log)
    {
        HelperProcess process;
        try
        {
            process = HelperLauncher.Launch(blob, options.Launch.WithStdio(StdioMode.Pipes));
        }
        catch (Exception e) when (e is LaunchFailedException or BlobPinMismatchException or NativeCallException or ObjectDisposedException)
        {
            throw new HelperLaunchFailedException(blob.Name, 0, null, TimeSpan.Zero, $"could not be started: {e.Message}", e);
        }
        var receiver = new HelperFrameReceiver(generation, blob.Name, process.Pid, self, pending, subscribers, log);
        var channel = new FrameChannel(process, receiver, options.Limits);
        receiver.Channel = channel;
        var pid = process.Pid;
        var stderr = new LineReader(process.Stderr!, line =>
        {
            if (options.LogStderr) log.Info("[helper {0} pid {1} stderr] {2}", blob.Name, pid, line);
            subscribers.Publish(new HelperStderrLine(blob.Name, pid, line));
        });
        process.Exited.ContinueWith(t => self.Tell(new HelperExited(generation, t.Result)), TaskContinuationOptions.ExecuteSynchronously);
        stderr.Start();
        channel.Start();
        return new HelperIncarnation(generation, process, channel, receiver, stderr);
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

    /// <summary>Stops reading and writing and ends the process group: SIGTERM now, SIGKILL after
    /// <paramref name="grace"/> (or as soon as the helper has exited, for anything it left
    /// behind); then closes the pipes.</summary>
    public void Retire(TimeSpan grace)
    {
        Channel.Dispose();
        Stderr.Dispose();
        if (!Exited && HostKill == HostKillReason.None) HostKill = HostKillReason.Stop;
        var process = Process;
        process.TerminateAsync(grace).ContinueWith(_ => process.Dispose(), TaskContinuationOptions.ExecuteSynchronously);
    }
}
