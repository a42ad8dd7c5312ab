using Akka.Actor;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace UmhActors.Hosting.Health;

/// <summary>Adds the hosted helpers' health check: <c>services.AddHealthChecks().AddUmhHelpers()</c>.</summary>
public static class UmhHealthChecksBuilderExtensions
{
    /// <summary>
    /// Adds a health check over every helper registered with <c>WithHelper</c> and the guardian:
    /// Healthy when every helper is ready; Degraded while one starts, restarts or does not answer,
    /// or restarted more than <see cref="UmhHelpersHealthOptions.MaxRestartsInWindow"/> times within
    /// <see cref="UmhHelpersHealthOptions.RestartWindow"/>; <paramref name="failureStatus"/>
    /// (Unhealthy by default) when a helper actor stopped or the guardian is Disabled. The report's
    /// data holds a <see cref="HelperHealth"/> per helper name (pid, state, restarts, last failure
    /// kind) and the guardian's state under <c>$guardian</c>.
    /// </summary>
    /// <remarks>The ActorSystem comes from the app's services (Akka.Hosting's <c>AddAkka</c>).</remarks>
    public static IHealthChecksBuilder AddUmhHelpers(this IHealthChecksBuilder builder, Action<UmhHelpersHealthOptions>? configure = null,
        string name = "umh-helpers", HealthStatus? failureStatus = null, IEnumerable<string>? tags = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = new UmhHelpersHealthOptions();
        configure?.Invoke(options);
        if (options.StatusTimeout <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(configure), options.StatusTimeout, "StatusTimeout must be positive");
        if (options.RestartWindow <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(configure), options.RestartWindow, "RestartWindow must be positive");
        if (options.MaxRestartsInWindow < 0) throw new ArgumentOutOfRangeException(nameof(configure), options.MaxRestartsInWindow, "MaxRestartsInWindow must not be negative");
        // One counter per registration: the restart rate needs what earlier probes saw.
        var counter = new RestartWindowCounter(TimeProvider.System);
        return builder.Add(new HealthCheckRegistration(name,
            services => new UmhHelpersHealthCheck(services.GetRequiredService<ActorSystem>(), options, counter),
            failureStatus, tags));
    }
}
