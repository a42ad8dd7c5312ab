using Akka.Actor;

namespace UmhActors.Helpers;

/// <summary>A request sent to the helper and not yet answered.</summary>
internal sealed record PendingRequest(IActorRef Sender, string Method, long DeadlineTimestamp, TimeSpan Timeout);

/// <summary>A request waiting for an in-flight slot or for the helper to be ready.</summary>
internal sealed record QueuedRequest(Requests.HelperRequest Request, IActorRef Sender, long DeadlineTimestamp, TimeSpan Timeout);
