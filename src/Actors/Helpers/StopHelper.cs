namespace UmhActors.Helpers;

/// <summary>
/// Stops a <see cref="HelperActor"/> and answers with <see cref="HelperEnded"/> once its helper is
/// gone: reaped, and its cgroup (if any) removed. The helper ends as on any stop (<c>$/shutdown</c>,
/// then SIGTERM and SIGKILL after <see cref="HelperOptions.StopGracePeriod"/>); pending requests fail
/// with <see cref="Requests.HelperStoppedException"/>. <see cref="HelperClient.StopAsync"/> wraps it.
/// </summary>
/// <remarks>Stopping the actor any other way (<c>Context.Stop</c>, a <c>PoisonPill</c>, the
/// ActorSystem's termination) ends the helper the same way but tells nobody when it is gone. An actor
/// that has already stopped cannot answer: the Ask times out.</remarks>
public sealed class StopHelper
{
    /// <summary>The one instance.</summary>
    public static StopHelper Instance { get; } = new();

    private StopHelper() { }
}
