using System.Diagnostics;
using Akka.Actor;

namespace UmhActors.Helpers;

/// <summary>A request sent to the helper and not yet answered. <paramref name="AcceptedAt"/> (the
/// <see cref="Stopwatch"/> timestamp its deadline was computed from) and <paramref name="Activity"/>
/// (its span, null unless traced) serve the request's metrics and trace.</summary>
internal sealed record PendingRequest(IActorRef Sender, string Method, long DeadlineTimestamp, TimeSpan Timeout, long AcceptedAt = 0, Activity? Activity = null);

/// <summary>A request waiting for an in-flight slot or for the helper to be ready.</summary>
internal sealed record QueuedRequest(Requests.HelperRequest Request, IActorRef Sender, long DeadlineTimestamp, TimeSpan Timeout, long AcceptedAt = 0,
    Activity? Activity = null);
