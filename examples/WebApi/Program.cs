using Akka.Hosting;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using OpenTelemetry.Metrics;
using UmhActors.Examples.WebApi;
using UmhActors.Failures;
using UmhActors.Hosting;
using UmhActors.Hosting.Health;
using UmhActors.Native.Blobs;

// A minimal API whose helper process is an actor: Akka.Hosting starts it with the app, supervises
// it (a crash restarts it after a backoff), and stops it (and its process) when the app stops.
//   POST /shout   {"text":"hello"}  -> {"text":"HELLO!"}, answered by the helper
//   GET  /healthz                    -> the helpers' health as JSON (200 Healthy/Degraded, 503 Unhealthy)
//   GET  /metrics                    -> the UmhActors meter (launches, exits by kind, ...) for Prometheus
var builder = WebApplication.CreateBuilder(args);

builder.Services.AddAkka("webapi", akka => akka
    .WithUmhActors()
    // A crashed helper comes back after 1 s (not the default 100 ms): a crash loop costs little,
    // and the restart is visible in /healthz as Degraded.
    .AddHocon("umh.supervision.crashed { min-backoff = 1s, max-backoff = 30s }", HoconAddMode.Prepend)
    // The blob comes from this assembly's resources; the host owns it and disposes it at shutdown.
    .WithHelper<Shouter>("shouter", _ => HelperBlob.FromEmbeddedHelper(typeof(Shouter).Assembly, "shouter")));
builder.Services.AddHelperClient<Shouter>(askTimeout: TimeSpan.FromSeconds(5));
builder.Services.AddHealthChecks().AddUmhHelpers();
builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics.AddMeter("UmhActors").AddPrometheusExporter());

var app = builder.Build();

app.MapPost("/shout", async (ShoutRequest request, HelperClient<Shouter> shouter, CancellationToken cancellationToken) =>
{
    try
    {
        var text = await shouter.CallAsync<string[], string>("shout", [request.Text], cancellationToken);
        return Results.Ok(new ShoutResponse(text));
    }
    catch (HelperFailureException failure)
    {
        // The helper ended while serving the request (its actor is restarting it): a typed 503.
        return Results.Problem(failure.Message, statusCode: StatusCodes.Status503ServiceUnavailable, title: $"helper {failure.Kind}");
    }
});

app.MapHealthChecks("/healthz", new HealthCheckOptions { ResponseWriter = HealthJsonWriter.WriteAsync });
app.MapPrometheusScrapingEndpoint("/metrics");

app.Run();
