namespace UmhActors.Hosting;

/// <summary>
/// What <see cref="UmhActorsHostingExtensions.WithUmhActors"/> sets up for an Akka.Hosting app.
/// Set the properties in the <c>configure</c> callback; they are validated when the builder call
/// returns (an impossible value throws there, naming the property).
/// </summary>
public sealed class UmhActorsOptions
{
    /// <summary>How long CoordinatedShutdown's <c>service-stop</c> phase waits for the helper actors
    /// registered with <c>WithHelper</c> to stop (each is asked to stop at once, in parallel; a helper
    /// still running after its actor stopped is sent <c>$/shutdown</c>, then SIGTERM and SIGKILL
    /// within twice its <see cref="Helpers.HelperOptions.StopGracePeriod"/>). Default 5 s, Akka's
    /// default timeout of that phase: a longer value needs
    /// <c>akka.coordinated-shutdown.phases.service-stop.timeout</c> raised as well.</summary>
    public TimeSpan StopHelpersTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Add <see cref="Supervision.HelperSupervisionPolicy.DefaultHocon"/> to the ActorSystem's
    /// configuration as a fallback (so <c>umh.supervision</c> is there to read and to override
    /// key by key with <c>AddHocon</c>). On by default.</summary>
    public bool AddDefaultSupervisionHocon { get; set; } = true;

    internal UmhActorsOptions Validated()
    {
        if (StopHelpersTimeout <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(StopHelpersTimeout), StopHelpersTimeout, "UmhActorsOptions.StopHelpersTimeout must be positive");
        return this;
    }
}
