namespace UmhActors.Native.Io;

/// <summary>Receives epoll readiness for one registered fd. Runs on the reactor thread:
/// implementations only record the event and wake a waiter, and should not throw.</summary>
internal interface IReadinessHandler
{
    void OnReady(uint events);

    /// <summary>Called on the reactor thread once, after <see cref="OnReady"/> threw
    /// <paramref name="error"/>; the registration is already gone. Fails whatever depended on the
    /// events (its helper) so nothing waits for readiness that will never be reported.</summary>
    void OnFailed(Exception error);
}
