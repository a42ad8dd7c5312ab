using Akka.Actor;
using UmhActors.Failures;

namespace UmhActors.Supervision;

/// <summary>
/// Published on the ActorSystem's EventStream (and logged) each time a helper actor decides what
/// to do about its helper's end. Subscribe with <c>system.EventStream.Subscribe(actor, typeof(HelperSupervisionDecision))</c>.
/// </summary>
/// <param name="Helper">The helper actor.</param>
/// <param name="HelperName">The blob's name.</param>
/// <param name="Kind">How the helper ended.</param>
/// <param name="Directive">What the actor does about it.</param>
/// <param name="Attempt">For restarts: the consecutive restart number (1 for the first).</param>
/// <param name="Delay">For restarts: the backoff before the new helper is launched. For escalations:
/// the backoff after which the actor launches a new helper itself, should its supervisor resume it.</param>
/// <param name="IntensityExceeded">True when the directive comes from exceeding the restart intensity.</param>
/// <param name="Failure">The failure with its evidence.</param>
public sealed record HelperSupervisionDecision(
    IActorRef Helper,
    string HelperName,
    HelperFailureKind Kind,
    HelperDirective Directive,
    int Attempt,
    TimeSpan Delay,
    bool IntensityExceeded,
    HelperFailureException Failure);
