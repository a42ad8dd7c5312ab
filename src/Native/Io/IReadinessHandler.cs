namespace UmhActors.Native.Io;

/// <summary>Receives epoll readiness for one registered fd. Runs on the reactor thread:
/// implementations only record the event and wake a waiter, and never throw.</summary>
internal interface IReadinessHandler
{
    void OnReady(uint events);
}
