using Akka.Actor;

namespace UmhActors.Hosting;

/// <summary>A helper pool's helper actors (ask each for its <see cref="Helpers.HelperStatus"/> to see its pid).</summary>
/// <param name="Active">The helpers requests are routed to.</param>
/// <param name="Draining">Surplus helpers answering their last requests before they stop.</param>
public sealed record HelperPoolRoutees(IReadOnlyList<IActorRef> Active, IReadOnlyList<IActorRef> Draining);
