using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace UmhActors.Examples.WebApi;

/// <summary>Writes a <see cref="HealthReport"/> as JSON: the overall status, and per check its
/// status, description and data (for <c>umh-helpers</c>: each helper's state, pid, restarts and last
/// failure kind, and the guardian's state under <c>$guardian</c>).</summary>
public static class HealthJsonWriter
{
    private static readonly JsonSerializerOptions s_options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary>A <c>HealthCheckOptions.ResponseWriter</c>.</summary>
    public static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        var body = new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(entry => entry.Key, entry => new
            {
                status = entry.Value.Status.ToString(),
                description = entry.Value.Description,
                data = entry.Value.Data,
            }),
        };
        return JsonSerializer.SerializeAsync(context.Response.Body, body, s_options, context.RequestAborted);
    }
}
