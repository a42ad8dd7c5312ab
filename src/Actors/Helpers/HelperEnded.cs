namespace UmhActors.Helpers;

/// <summary>The answer to <see cref="StopHelper"/>: the actor stopped and its helper is gone
/// (reaped, cgroup removed).</summary>
/// <param name="HelperName">The helper's name.</param>
/// <param name="Pid">The pid of the helper that was running when the actor stopped; 0 if none was
/// (e.g. between a failure and its restart).</param>
public sealed record HelperEnded(string HelperName, int Pid);
