using Akka.Hosting;
using UmhActors.Guardian;
using UmhActors.Supervision;

namespace UmhActors.Hosting;

/// <summary>Sets UmhActors up in an Akka.Hosting app: <c>services.AddAkka("app", b => b.WithUmhActors())</c>.</summary>
public static class UmhActorsHostingExtensions
{
    /// <summary>
    /// Starts the launch guardian (<see cref="UmhGuardian"/>) with the ActorSystem, adds the default
    /// supervision table as HOCON (<c>umh.supervision</c>, a fallback: the app's own HOCON overrides
    /// it key by key) and sets up shutdown: CoordinatedShutdown disables launches in
    /// <c>before-service-unbind</c> (the guardian's own task), then stops every helper actor
    /// registered with <see cref="HelperHostingExtensions.WithHelper{TKey}(AkkaConfigurationBuilder, string, Native.Blobs.HelperBlob, Helpers.HelperOptions?)"/>
    /// in <c>service-stop</c> and disposes the blobs the host owns, so no helper is launched during
    /// shutdown and none is left running.
    /// </summary>
    /// <param name="builder">The Akka.Hosting builder.</param>
    /// <param name="configure">Changes to the defaults of <see cref="UmhActorsOptions"/>.</param>
    /// <returns><paramref name="builder"/>, for chaining.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An option is impossible (the message names it).</exception>
    public static AkkaConfigurationBuilder WithUmhActors(this AkkaConfigurationBuilder builder, Action<UmhActorsOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = new UmhActorsOptions();
        configure?.Invoke(options);
        options.Validated();
        if (options.AddDefaultSupervisionHocon) builder.AddHocon(HelperSupervisionPolicy.DefaultHocon, HoconAddMode.Append);
        // Extensions listed here are created when the system starts: the guardian's shutdown task
        // is registered before any helper exists, and the hosted-helper registry's with it.
        return builder
            .AddSetup(new UmhActorsSetup(options.StopHelpersTimeout))
            .WithExtension<UmhGuardianProvider>()
            .WithExtension<HostedHelpersProvider>()
            .WithExtension<Health.HelperFailureLedgerProvider>();
    }
}
