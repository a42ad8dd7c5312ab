using System.Diagnostics;

namespace UmhActors.Diagnostics;

/// <summary>
/// The <see cref="ActivitySource"/> named <c>UmhActors</c>: one client span per request to a
/// helper, following the OpenTelemetry RPC conventions (<c>rpc.system</c> = <c>msgpack-rpc</c>,
/// <c>rpc.method</c>, <c>rpc.service</c> = the helper's name). Spans exist only while a listener
/// is attached; otherwise starting one costs a single <see cref="ActivitySource.HasListeners"/> check.
/// </summary>
internal static class UmhTracing
{
    /// <summary>The source's name, for <c>AddSource("UmhActors")</c>.</summary>
    public const string SourceName = "UmhActors";

    public static readonly ActivitySource Source = new(SourceName, typeof(UmhTracing).Assembly.GetName().Version?.ToString());

    /// <summary>The caller's span, for the request it is making (<see cref="Requests.HelperRequest.TraceParent"/>):
    /// null when nobody listens, so a request made without tracing costs one
    /// <see cref="ActivitySource.HasListeners"/> check and no read of the async-local <see cref="Activity.Current"/>.</summary>
    public static Activity? CallerActivity() => Source.HasListeners() ? Activity.Current : null;

    /// <summary>Starts the span of a request accepted by the actor, or returns null when nobody
    /// listens. Its parent is <paramref name="parent"/>, the caller's span when the request was made
    /// (the actor runs on another thread, where the caller's <see cref="Activity.Current"/> is not).
    /// The span is not left as <see cref="Activity.Current"/>: it belongs to the request, not to
    /// whatever the actor's thread does next.</summary>
    public static Activity? StartRequest(string helper, string method, ActivityContext parent)
    {
        if (!Source.HasListeners()) return null;
        var previous = Activity.Current;
        // With no caller span, the request's span is a root: not a child of whatever the actor's thread holds.
        Activity.Current = null;
        var activity = Source.StartActivity($"{helper}/{method}", ActivityKind.Client, parent);
        Activity.Current = previous;
        if (activity is null) return null;
        if (activity.IsAllDataRequested)
        {
            activity.SetTag("rpc.system", "msgpack-rpc");
            activity.SetTag("rpc.service", helper);
            activity.SetTag("rpc.method", method);
            activity.SetTag(UmhMetrics.HelperTag, helper);
        }
        return activity;
    }

    /// <summary>Notes the pid of the helper the request was sent to.</summary>
    public static void Sent(Activity activity, int pid)
    {
        if (activity.IsAllDataRequested) activity.SetTag("umh.helper.pid", pid);
    }

    /// <summary>Ends the span with its outcome (<see cref="RequestOutcome"/>); anything but ok is an error status.</summary>
    public static void End(Activity activity, string outcome)
    {
        if (activity.IsAllDataRequested)
        {
            activity.SetTag(UmhMetrics.OutcomeTag, outcome);
            if (outcome != RequestOutcome.Ok)
            {
                activity.SetTag("error.type", outcome);
                activity.SetStatus(ActivityStatusCode.Error);
            }
        }
        activity.Stop();
    }
}
