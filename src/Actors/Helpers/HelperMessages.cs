using Akka.Actor;

namespace UmhActors.Helpers;

/// <summary>Cancels every unanswered <see cref="Requests.HelperRequest"/> that <paramref name="Requester"/>
/// sent (the Sender of the request; for an Ask, its temporary actor): each is answered with a
/// <c>Status.Failure</c> carrying an <see cref="OperationCanceledException"/>. A request still
/// queued is dropped; one in flight frees its slot at once and the helper is sent <c>$/cancel</c>
/// (its late answer is dropped). Requests already answered are not affected. Not answered itself.
/// <see cref="HelperClient"/> sends it when the caller's token is cancelled or its Ask times out.</summary>
public sealed record CancelHelperRequest(IActorRef Requester);

/// <summary>Subscribe <paramref name="Subscriber"/> to the helper's notifications
/// (<see cref="HelperNotification"/>) and stderr lines (<see cref="HelperStderrLine"/>). Answered
/// with <see cref="HelperEventsSubscribed"/>. Subscriptions survive helper restarts and end when the
/// subscriber terminates or sends <see cref="UnsubscribeHelperEvents"/>.</summary>
public sealed record SubscribeHelperEvents(IActorRef Subscriber);

/// <summary>Ends a <see cref="SubscribeHelperEvents"/> subscription.</summary>
public sealed record UnsubscribeHelperEvents(IActorRef Subscriber);

/// <summary>The answer to <see cref="SubscribeHelperEvents"/>: from now on events arrive.</summary>
public sealed class HelperEventsSubscribed
{
    /// <summary>The one instance.</summary>
    public static HelperEventsSubscribed Instance { get; } = new();

    private HelperEventsSubscribed() { }
}

/// <summary>A notification the helper sent (<c>[2, method, params]</c>, not a <c>$/</c> control method).</summary>
/// <param name="HelperName">The helper's name.</param>
/// <param name="Pid">The helper's pid.</param>
/// <param name="Method">The notification's method.</param>
/// <param name="RawParams">Its params, one MessagePack value (owned by this message).</param>
public sealed record HelperNotification(string HelperName, int Pid, string Method, ReadOnlyMemory<byte> RawParams);

/// <summary>One line the helper wrote to stderr (without the newline).</summary>
public sealed record HelperStderrLine(string HelperName, int Pid, string Line);

/// <summary>Ask for the helper's <see cref="HelperStatus"/>.</summary>
public sealed class GetHelperStatus
{
    /// <summary>The one instance.</summary>
    public static GetHelperStatus Instance { get; } = new();

    private GetHelperStatus() { }
}

/// <summary>A helper actor's current state.</summary>
/// <param name="HelperName">The helper's name.</param>
/// <param name="Pid">The helper's pid (0 before launch).</param>
/// <param name="Ready">True once the helper said hello and serves requests.</param>
/// <param name="InFlight">Requests sent and not yet answered.</param>
/// <param name="Queued">Requests waiting for a slot.</param>
public sealed record HelperStatus(string HelperName, int Pid, bool Ready, int InFlight, int Queued)
{
    /// <summary>Restarts the policy table has decided so far (over the actor's whole life).</summary>
    public int Restarts { get; init; }

    /// <summary>The kind of the last failure (null if the helper never failed).</summary>
    public Failures.HelperFailureKind? LastFailureKind { get; init; }

    /// <summary>Parts of the current helper's sandbox in force by its own word only, which the host
    /// cannot check from outside (Landlock; see docs/security.md). None without a sandbox.</summary>
    public Native.Sandbox.SandboxParts UnverifiedSandboxParts { get; init; }
}
