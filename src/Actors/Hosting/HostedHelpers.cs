using Akka;
using Akka.Actor;
using Akka.Event;
using UmhActors.Native.Blobs;

namespace UmhActors.Hosting;

/// <summary>
/// The helper actors an Akka.Hosting app registered with <c>WithHelper</c>, and the blobs the host
/// owns (those a DI factory made): one per ActorSystem (an Akka extension). CoordinatedShutdown's
/// <c>service-stop</c> phase stops the actors (launches were disabled one phase earlier, in
/// <c>before-service-unbind</c>) and then disposes the owned blobs, which nothing can launch any
/// more.
/// </summary>
internal sealed class HostedHelpers : IExtension
{
    private static readonly TimeSpan DefaultStopTimeout = TimeSpan.FromSeconds(5);
    private readonly object _gate = new();
    private readonly List<IActorRef> _actors = [];
    private readonly HashSet<IActorRef> _pools = [];
    private readonly List<HelperBlob> _ownedBlobs = [];
    private readonly ILoggingAdapter _log;
    private readonly TimeSpan _stopTimeout;

    public HostedHelpers(ExtendedActorSystem system)
    {
        _log = Logging.GetLogger(system, nameof(HostedHelpers));
        var setup = system.Settings.Setup.Get<UmhActorsSetup>();
        _stopTimeout = setup.HasValue ? setup.Value.StopHelpersTimeout : DefaultStopTimeout;
        CoordinatedShutdown.Get(system).AddTask(CoordinatedShutdown.PhaseServiceStop, "umh-stop-helpers", StopAllAsync);
    }

    public static HostedHelpers Get(ActorSystem system) => system.WithExtension<HostedHelpers, HostedHelpersProvider>();

    /// <summary>Records a hosted helper actor; <paramref name="ownedBlob"/> (if any) is disposed
    /// once the actors have stopped at shutdown.</summary>
    /// <param name="actor">The helper (or pool) actor.</param>
    /// <param name="ownedBlob">The blob the host disposes at shutdown, if it owns one.</param>
    /// <param name="isPool">Whether <paramref name="actor"/> is a <see cref="HelperPoolActor"/>: the
    /// health check asks a pool for its helpers rather than for a status it does not answer.</param>
    public void Add(IActorRef actor, HelperBlob? ownedBlob, bool isPool = false)
    {
        lock (_gate)
        {
            _actors.Add(actor);
            if (isPool) _pools.Add(actor);
            if (ownedBlob is not null) _ownedBlobs.Add(ownedBlob);
        }
    }

    /// <summary>The hosted helper actors not yet stopped by shutdown (a snapshot, for health checks).</summary>
    public IReadOnlyList<IActorRef> Actors
    {
        get
        {
            lock (_gate) return [.. _actors];
        }
    }

    /// <summary>Whether <paramref name="actor"/> was registered as a pool.</summary>
    public bool IsPool(IActorRef actor)
    {
        lock (_gate) return _pools.Contains(actor);
    }

    /// <summary>Blobs the host owns and has not yet disposed.</summary>
    public int OwnedBlobCount
    {
        get
        {
            lock (_gate) return _ownedBlobs.Count;
        }
    }

    private async Task<Done> StopAllAsync()
    {
        IActorRef[] actors;
        HelperBlob[] blobs;
        lock (_gate)
        {
            actors = [.. _actors];
            blobs = [.. _ownedBlobs];
            _actors.Clear();
            _ownedBlobs.Clear();
        }
        try
        {
            // A stopping helper actor sends its helper $/shutdown and leaves the rest (SIGTERM,
            // SIGKILL, reaping) to the reactor: stopping every actor at once overlaps their grace periods.
            await Task.WhenAll(actors.Select(actor => actor.GracefulStop(_stopTimeout))).ConfigureAwait(false);
        }
        catch (Exception e) when (e is TaskCanceledException or AskTimeoutException)
        {
            _log.Warning("umh-stop-helpers: not every helper actor stopped within {0}; the ActorSystem stops the rest", _stopTimeout);
        }
        finally
        {
            // Launches are disabled by now (before-service-unbind), so no actor can use these again.
            foreach (var blob in blobs) blob.Dispose();
        }
        return Done.Instance;
    }
}
