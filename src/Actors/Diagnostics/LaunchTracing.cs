using System.Diagnostics;
using UmhActors.Native.Launch;

namespace UmhActors.Diagnostics;

/// <summary>
/// The launch span (<c>umh.helper.launch</c>) on the <c>UmhActors</c> <see cref="ActivitySource"/>:
/// from the moment a helper actor asks for a launch permit until its helper is ready (or the
/// launch failed), with one event per step so a trace shows where a slow start went: <c>permit</c>
/// (the guardian let it through), <c>begun</c> (a spawn thread took the launch up), <c>cgroup</c>
/// (the helper's cgroup is ready; the fd check and the sealed memfd come before it), <c>spawned</c> (<c>posix_spawn</c> and <c>pidfd_open</c>
/// returned), <c>registered</c> (pipes and pidfd are in the reactor) and <c>ready</c> (<c>$/hello</c>
/// handled). Exists only while a listener is attached.
/// </summary>
internal static class LaunchTracing
{
    /// <summary>The span's name.</summary>
    public const string SpanName = "umh.helper.launch";

    /// <summary>Starts the span, or returns null when nobody listens. It is not left as
    /// <see cref="Activity.Current"/>: the actor's thread goes on with other work.</summary>
    public static Activity? Begin(string helper, string actor)
    {
        if (!UmhTracing.Source.HasListeners()) return null;
        var previous = Activity.Current;
        Activity.Current = null;
        var activity = UmhTracing.Source.StartActivity(SpanName, ActivityKind.Internal);
        Activity.Current = previous;
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("umh.helper.name", helper);
            activity.SetTag("umh.actor", actor);
        }
        return activity;
    }

    /// <summary>Marks the step <paramref name="name"/> as done at <paramref name="timestamp"/>
    /// (a <see cref="Stopwatch"/> timestamp; now by default).</summary>
    public static void Step(Activity? activity, string name, long timestamp = 0)
    {
        if (activity is not { IsAllDataRequested: true }) return;
        var at = timestamp == 0 ? DateTimeOffset.UtcNow : DateTimeOffset.UtcNow - Stopwatch.GetElapsedTime(timestamp);
        activity.AddEvent(new ActivityEvent(name, at));
    }

    /// <summary>Marks the host's launch steps from <paramref name="timings"/>.</summary>
    public static void Spawned(Activity? activity, LaunchTimings timings)
    {
        if (activity is not { IsAllDataRequested: true } || timings.Begun == 0) return;
        Step(activity, "begun", timings.Begun);
        Step(activity, "cgroup", timings.CgroupReady);
        Step(activity, "spawned", timings.Spawned);
        Step(activity, "registered", timings.Registered);
    }

    /// <summary>Ends the span: <paramref name="outcome"/> is <c>ok</c> for a ready helper, else
    /// why the launch did not get there (an error status).</summary>
    public static void End(Activity? activity, string outcome)
    {
        if (activity is null) return;
        if (activity.IsAllDataRequested)
        {
            activity.SetTag(UmhMetrics.OutcomeTag, outcome);
            if (outcome != "ok") activity.SetStatus(ActivityStatusCode.Error);
        }
        var previous = Activity.Current;
        activity.Stop();
        Activity.Current = previous;
    }
}
