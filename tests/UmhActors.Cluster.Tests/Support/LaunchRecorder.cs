using System.Collections.Concurrent;
using System.Diagnostics;

namespace UmhActors.Cluster.Tests.Support;

/// <summary>Records every helper launch of this test host from its first step: the <c>umh.helper.launch</c>
/// span on the <c>UmhActors</c> ActivitySource starts when a helper actor asks for a launch permit and
/// ends (at the latest in the actor's PostStop) whatever became of it, so a launch abandoned at once is
/// seen too, which a census of child processes could miss.</summary>
internal sealed class LaunchRecorder : IDisposable
{
    private readonly ActivityListener _listener;
    private readonly ConcurrentQueue<string> _actors = new();

    public LaunchRecorder()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "UmhActors",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
            ActivityStopped = activity =>
            {
                if (activity.OperationName == "umh.helper.launch") _actors.Enqueue(activity.GetTagItem("umh.actor") as string ?? "?");
            },
        };
        ActivitySource.AddActivityListener(_listener);
    }

    /// <summary>The launches that ended so far by the helper actor (the entity id) that made them.</summary>
    public int LaunchesOf(string actorName) => _actors.Count(a => a == actorName);

    public void Dispose() => _listener.Dispose();
}
