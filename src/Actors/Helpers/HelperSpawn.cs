using Akka.Actor;
using UmhActors.Failures;
using UmhActors.Native.Blobs;
using UmhActors.Native.Launch;
using UmhActors.Native.Processes;

namespace UmhActors.Helpers;

/// <summary>
/// One helper actor's spawn in progress on a spawn thread (<see cref="SpawnThreads"/>): the
/// blocking half of a launch runs there, and the actor hears <see cref="HelperSpawned"/> when it
/// is done. The process is handed over exactly once: to the actor (<see cref="Take"/>), or, when
/// the actor stopped meanwhile (<see cref="Abandon"/>), killed where it is, so no helper outlives
/// its actor and no permit is returned while its launch can still start a process.
/// </summary>
internal sealed class HelperSpawn
{
    private readonly object _gate = new();
    private HelperProcess? _process;
    private bool _done;
    private bool _abandoned;
    private Action? _release;

    private HelperSpawn(int generation) => Generation = generation;

    /// <summary>The incarnation the spawn is for.</summary>
    public int Generation { get; }

    /// <summary>Starts spawning <paramref name="blob"/>; <paramref name="self"/> is told
    /// <see cref="HelperSpawned"/> once it succeeded or failed.</summary>
    public static HelperSpawn Start(int generation, HelperBlob blob, HelperOptions options, IActorRef self)
    {
        var spawn = new HelperSpawn(generation);
        SpawnThreads.Run(() => spawn.Run(blob, options, self));
        return spawn;
    }

    /// <summary>The spawned process, once, for the actor that handles <see cref="HelperSpawned"/>;
    /// null after a failure.</summary>
    public HelperProcess? Take()
    {
        lock (_gate)
        {
            var process = _process;
            _process = null;
            return process;
        }
    }

    /// <summary>The actor stopped before taking the process: kill it as soon as it exists, then
    /// call <paramref name="release"/> (the launch permit's return), so the guardian counts the
    /// launch until nothing of it can run any more.</summary>
    public void Abandon(Action release)
    {
        HelperProcess? process;
        lock (_gate)
        {
            _abandoned = true;
            if (!_done)
            {
                _release = release;
                return;
            }
            process = _process;
            _process = null;
        }
        Discard(process);
        release();
    }

    private void Run(HelperBlob blob, HelperOptions options, IActorRef self)
    {
        HelperProcess? process = null;
        HelperLaunchFailedException? failure = null;
        try
        {
            process = HelperIncarnation.Spawn(blob, options);
        }
        catch (HelperLaunchFailedException e)
        {
            failure = e;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            failure = new HelperLaunchFailedException(blob.Name, 0, null, TimeSpan.Zero, $"could not be started: {e.Message}", e);
        }
        Action? release;
        lock (_gate)
        {
            _done = true;
            if (!_abandoned)
            {
                _process = process;
                release = null;
            }
            else
            {
                release = _release;
            }
        }
        if (release is not null)
        {
            Discard(process);
            release();
            return;
        }
        self.Tell(new HelperSpawned(Generation, failure));
    }

    // Kills the group and closes the pipes; the reaper reaps it and removes its cgroup.
    private static void Discard(HelperProcess? process)
    {
        if (process is null) return;
        try
        {
            process.Dispose();
        }
        catch (IOException)
        {
            // The kill failed: the helper sees EOF on stdin (its pipes are closed) and exits.
        }
    }
}

/// <summary>Spawn thread → helper actor: the spawn of <paramref name="Generation"/> finished;
/// <paramref name="Failure"/> says why it failed, else the process waits in the <see cref="HelperSpawn"/>.</summary>
internal sealed record HelperSpawned(int Generation, HelperLaunchFailedException? Failure);
