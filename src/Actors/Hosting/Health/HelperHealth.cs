using UmhActors.Failures;

namespace UmhActors.Hosting.Health;

/// <summary>One helper's entry in the health report's data, under the helper's (actor) name.</summary>
/// <param name="State">
/// <c>ready</c> (serving requests), <c>starting</c> (first launch under way), <c>restarting</c>
/// (failed, waiting for its backoff or relaunching), <c>stopped</c> (the actor stopped: restart
/// intensity exceeded, Stop directive, launch failed for good) or <c>unresponsive</c> (no status
/// within the probe's timeout).</param>
/// <param name="Pid">The current helper process's pid (0 when none runs).</param>
/// <param name="Restarts">Restarts the policy table decided over the actor's life (null if unknown).</param>
/// <param name="RecentRestarts">Restarts seen within the restart window (null if unknown).</param>
/// <param name="LastFailureKind">The kind of the last failure (null if none, or unknown).</param>
public sealed record HelperHealth(string State, int Pid, int? Restarts, int? RecentRestarts, HelperFailureKind? LastFailureKind)
{
    /// <summary>For a stopped helper: whether it stopped because its restart intensity was exceeded.</summary>
    public bool IntensityExceeded { get; init; }

    /// <inheritdoc />
    public override string ToString() =>
        $"{State}, pid {Pid}, {Restarts?.ToString() ?? "?"} restarts ({RecentRestarts?.ToString() ?? "?"} recent), last failure {LastFailureKind?.ToString() ?? "none"}";
}
