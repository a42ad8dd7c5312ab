using Akka;
using Akka.Actor;
using UmhActors.Native.Blobs;
using UmhActors.Native.OneShot;

namespace UmhActors.Guardian;

/// <summary>
/// The launch guardian of an ActorSystem (an Akka extension): every helper launch — first start,
/// restart, one-shot call — asks it for a permit. <c>usermodehelper_disable()</c> and
/// <c>UMH_FREEZING</c> for actors.
/// </summary>
/// <remarks>
/// CoordinatedShutdown disables launches in its <c>before-service-unbind</c> phase, before actors
/// (and with them their helpers) are stopped, so nothing is launched during shutdown.
/// </remarks>
public sealed class UmhGuardian : IExtension
{
    private readonly ExtendedActorSystem _system;

    internal UmhGuardian(ExtendedActorSystem system)
    {
        _system = system;
        // Before any launch or request of this system can meet an fd shortage.
        Helpers.RequestPathWarmup.Prepare();
        Helpers.UndeliveredRequestBouncer.Get(system); // a request to a stopped helper actor fails typed at once
        // Before the guardian's tick and the helpers' timeouts: Akka's first schedule blocks its caller.
        SchedulerStart.Ensure(system);
        var gate = new LaunchGate(() => Actor!.Tell(GuardianActor.LaunchesDrained.Instance));
        Gate = gate;
        Actor = system.SystemActorOf(Props.CreateBy(new GuardianActor.Producer(gate)), "umh-guardian");
        CoordinatedShutdown.Get(system).AddTask(CoordinatedShutdown.PhaseBeforeServiceUnbind, "umh-disable-launches", async () =>
        {
            // Busy or not, shutdown goes on; a launch still in progress is killed with its actor.
            await Actor.Ask<GuardianTransition>(new DisableLaunches(TimeSpan.FromSeconds(5)), TimeSpan.FromSeconds(10)).ConfigureAwait(false);
            return Done.Instance;
        });
    }

    /// <summary>The guardian actor (accepts the messages in GuardianMessages.cs).</summary>
    public IActorRef Actor { get; }

    /// <summary>Where launches take their permits while enabled, without a message to
    /// <see cref="Actor"/>; the actor keeps it in its state (see <see cref="LaunchGate"/>).</summary>
    internal LaunchGate Gate { get; }

    /// <summary>The guardian of <paramref name="system"/>, created on first use.</summary>
    public static UmhGuardian Get(ActorSystem system) => system.WithExtension<UmhGuardian, UmhGuardianProvider>();

    /// <summary>Freezes launches: new ones wait; returns once launches in progress have finished
    /// (and, with <paramref name="freezeRunning"/>, running helpers are frozen).</summary>
    /// <exception cref="GuardianBusyException">Launches did not drain within <paramref name="timeout"/>; launches are enabled again.</exception>
    public Task FreezeAsync(TimeSpan timeout, bool freezeRunning = false) => TransitionAsync(new FreezeLaunches(timeout, freezeRunning), timeout);

    /// <summary>Disables launches: new and waiting ones fail; returns once launches in progress have finished.</summary>
    /// <exception cref="GuardianBusyException">Launches did not drain within <paramref name="timeout"/>; launches are enabled again.</exception>
    public Task DisableAsync(TimeSpan timeout) => TransitionAsync(new DisableLaunches(timeout), timeout);

    /// <summary>Enables launches again (thaw): frozen helpers resume, waiting launches proceed in order.</summary>
    public Task EnableAsync() => TransitionAsync(EnableLaunches.Instance, TimeSpan.Zero);

    /// <summary>The current state and counts.</summary>
    public Task<GuardianStatus> GetStatusAsync() => Actor.Ask<GuardianStatus>(GetGuardianStatus.Instance, TimeSpan.FromSeconds(10));

    /// <summary>A one-shot <c>call_usermodehelper()</c> that first obtains a launch permit (waiting
    /// up to <paramref name="maxWait"/> while launches are frozen) and holds it for the whole call,
    /// as the kernel's <c>running_helpers</c> covers the whole <c>call_usermodehelper_exec()</c>:
    /// while it runs, <see cref="GuardianStatus.InFlight"/> counts it and <see cref="DisableAsync"/>
    /// and <see cref="FreezeAsync"/> wait for it (and report busy if it outlasts their timeout).</summary>
    /// <exception cref="LaunchesDisabledException">Launches are disabled.</exception>
    /// <exception cref="LaunchPermitTimeoutException">Launches stayed frozen too long.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<UmhCallResult> CallUserModeHelperAsync(HelperBlob blob, IReadOnlyList<string> argv, IReadOnlyList<string>? envp,
        UmhWait wait, TimeSpan maxWait, CancellationToken cancellationToken = default)
    {
        var granted = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        // The holder, not this method, owns the permit: the guardian watches it, and stopping it
        // returns the permit, whichever way the call ends.
        var holder = _system.SystemActorOf(Props.Create(() => new OneShotPermitHolder(Actor, maxWait, granted)));
        try
        {
            await using (cancellationToken.Register(() => granted.TrySetCanceled(cancellationToken)).ConfigureAwait(false))
                await granted.Task.WaitAsync(maxWait + TimeSpan.FromSeconds(5)).ConfigureAwait(false);
            return await UserModeHelper.CallAsync(blob, argv, envp, wait, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _system.Stop(holder);
        }
    }

    private async Task TransitionAsync(object message, TimeSpan timeout)
    {
        var result = await Actor.Ask<GuardianTransition>(message, timeout + TimeSpan.FromSeconds(15)).ConfigureAwait(false);
        if (!result.Succeeded) throw new GuardianBusyException(result.Reason ?? "the guardian could not change state");
    }
}
