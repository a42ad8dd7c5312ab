namespace UmhActors.Helpers;

/// <summary>The answer to <see cref="NotifyWhenReady"/>: a helper is ready and serves requests.</summary>
/// <param name="HelperName">The helper's name.</param>
/// <param name="Pid">The ready helper's pid.</param>
/// <param name="Restarts">Restarts the policy table has decided so far (over the actor's whole life).</param>
public sealed record HelperReady(string HelperName, int Pid, int Restarts);
