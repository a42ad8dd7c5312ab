namespace UmhActors.Helpers;

/// <summary>
/// Ask a <see cref="HelperActor"/> to answer with <see cref="HelperReady"/> once its helper is
/// ready (said <c>$/hello</c>): at once when it already is, else when the next helper becomes ready
/// (after a launch waiting for the guardian, or after a restart's backoff). No polling:
/// <see cref="HelperClient.WhenReadyAsync"/> wraps it.
/// </summary>
/// <remarks>If the actor stops its helper for good first (the policy says stop or escalate), the
/// answer is a <c>Status.Failure</c> with the failure that ended it (e.g. a
/// <see cref="Failures.HelperKilledException"/> after an admin's kill); if the actor stops for any
/// other reason, a <see cref="Requests.HelperStoppedException"/>.</remarks>
/// <param name="ReplacingPid">Wait for a helper other than this pid: pass the pid of a helper that
/// just failed to wait for its replacement. 0 accepts the current helper.</param>
public sealed record NotifyWhenReady(int ReplacingPid = 0);
